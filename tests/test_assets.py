"""Static files: fingerprinted names, references rewritten, compressed variants, caching headers."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for

from portal import create_app
from portal.assets import (
    IMMUTABLE_CACHE_CONTROL,
    MANIFEST_NAME,
    build,
    fingerprinted_name,
    is_fingerprinted,
    source_files,
)
from tests.pages import Page

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")
# Repetitive enough that gzip and brotli both shrink it, as they would a real icon.
SVG = ('<svg xmlns="http://www.w3.org/2000/svg">' + '<path d="M0 0h24v24H0z"/>' * 40 + "</svg>").encode()
FONT = bytes(range(256)) * 4


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


@pytest.fixture
def small_tree(tmp_path: Path) -> Path:
    """A static folder with one stylesheet that references a font and icons, and one script."""
    static = tmp_path / "static"
    _write(
        static / "build" / "app.css",
        'body{background:url("icons/tick.svg")}'
        "@font-face{src:url(../build/fonts/brand.woff2?v=2#iefix)}"
        '.a{background:url("/static/build/icons/tick.svg")}'
        ".b{background:url(data:image/png;base64,AAAA)}"
        '.c{background:url("https://example.org/logo.png")}'
        '.d{background:url("icons/missing.svg")}',
    )
    _write(static / "build" / "icons" / "tick.svg", SVG)
    _write(static / "build" / "fonts" / "brand.woff2", FONT)
    _write(static / "build" / "lib.js", "export const answer = 42;\n//# sourceMappingURL=lib.js.map\n")
    _write(static / "build" / "lib.js.map", '{"version":3,"sources":[],"mappings":""}')
    _write(static / "js" / "app.js", 'import { answer } from "../build/lib.js";\nconsole.log(answer);\n')
    _write(static / "build" / ".built", "")
    return static


def _linked_assets(page: Page) -> list[str]:
    stylesheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    scripts = [script["src"] for script in page.select("script[src]")]
    return stylesheets + scripts


def test_names_carry_the_fingerprint_before_the_last_suffix():
    assert fingerprinted_name("build/app.css", "3f9a1c2b7d00ff") == "build/app.3f9a1c2b7d.css"
    assert fingerprinted_name("a.min.js.map", "0123456789ab") == "a.min.js.0123456789.map"
    assert fingerprinted_name("build/nhsuk/assets", "abcdefabcdef") == "build/nhsuk/assets.abcdefabcd"
    assert is_fingerprinted("/static/build/nhsuk/assets.abcdefabcd/images/favicon.ico")
    assert not is_fingerprinted("/static/build/nhsuk/assets/images/favicon.ico")


def test_the_build_rewrites_references_to_fingerprinted_files(small_tree: Path):
    manifest = build(small_tree)
    svg, font = manifest["build/icons/tick.svg"], manifest["build/fonts/brand.woff2"]
    assert is_fingerprinted(svg) and is_fingerprinted(font)
    css = (small_tree / manifest["build/app.css"]).read_text()
    assert f'url("{Path(svg).relative_to("build").as_posix()}")' in css
    assert f"url({Path(font).relative_to('build').as_posix()}?v=2#iefix)" in css
    assert f'url("/static/{svg}")' in css
    assert "url(data:image/png;base64,AAAA)" in css and 'url("https://example.org/logo.png")' in css
    assert 'url("icons/missing.svg")' in css, "a reference to no file is left as written"
    script = (small_tree / manifest["js/app.js"]).read_text()
    assert manifest["js/app.js"].startswith("build/js/app.")
    assert f'from "../{Path(manifest["build/lib.js"]).relative_to("build").as_posix()}"' in script
    library = (small_tree / manifest["build/lib.js"]).read_text()
    assert f"sourceMappingURL={Path(manifest['build/lib.js.map']).name}" in library
    assert not (small_tree / "js").joinpath("app.js.gz").exists(), "nothing is written beside sources"
    assert ".built" not in " ".join(manifest)


def test_the_build_compresses_what_shrinks_and_keeps_the_bytes(small_tree: Path):
    manifest = build(small_tree)
    for logical in ("build/app.css", "build/icons/tick.svg"):
        built = small_tree / manifest[logical]
        plain = built.read_bytes()
        assert brotli.decompress(Path(f"{built}.br").read_bytes()) == plain
        assert gzip.decompress(Path(f"{built}.gz").read_bytes()) == plain
    font = small_tree / manifest["build/fonts/brand.woff2"]
    assert not Path(f"{font}.br").exists() and not Path(f"{font}.gz").exists()


def test_two_builds_of_the_same_sources_are_identical(small_tree: Path, tmp_path: Path):
    copy = tmp_path / "copy" / "static"
    shutil.copytree(small_tree, copy)
    first, second = build(small_tree), build(copy)
    assert first == second
    files = sorted(p.relative_to(small_tree) for p in small_tree.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
    for name in files:
        assert (small_tree / name).read_bytes() == (copy / name).read_bytes(), name
    assert build(small_tree) == first, "building again changes nothing"
    manifest = json.loads((small_tree / "build" / MANIFEST_NAME).read_text())
    assert manifest == {"version": 1, "paths": first}


def test_the_real_sources_give_the_same_manifest_twice(app: Flask, tmp_path: Path):
    static = Path(app.static_folder)
    manifests = []
    for name in ("one", "two"):
        target = tmp_path / name / "static"
        for logical, path in source_files(static).items():
            _write(target / logical, path.read_bytes())
        manifests.append(build(target, compress=False))
    assert manifests[0] == manifests[1]
    assert "build/app.css" in manifests[0] and "build/nhsuk/assets" in manifests[0]


def test_outputs_older_than_the_previous_build_are_removed(small_tree: Path):
    stylesheet = small_tree / "build" / "app.css"
    first = build(small_tree)["build/app.css"]
    stylesheet.write_text("body{color:red}")
    second = build(small_tree)["build/app.css"]
    assert (small_tree / first).exists(), "pages cached before a deploy still find their styles"
    stylesheet.write_text("body{color:blue}")
    third = build(small_tree)["build/app.css"]
    assert not (small_tree / first).exists() and not Path(f"{small_tree / first}.br").exists()
    assert (small_tree / second).exists() and (small_tree / third).exists()


def test_the_home_page_links_fingerprinted_styles_and_script(client, app):
    page = Page(client.get("/"))
    manifest = app.extensions["asset_manifest"]
    linked = _linked_assets(page)
    assert f"/static/{manifest['build/app.css']}" in linked
    assert f"/static/{manifest['build/print.css']}" in linked
    assert f"/static/{manifest['js/app.js']}" in linked
    assert all(is_fingerprinted(url) for url in linked)
    icons = [link["href"] for link in page.select('link[rel~="icon"], link[rel="manifest"]')]
    assert icons and all(url.startswith(f"/static/{manifest['build/nhsuk/assets']}/") for url in icons)


def test_linked_files_are_immutable_and_not_sniffed(client):
    page = Page(client.get("/"))
    icons = [link["href"] for link in page.select('link[rel~="icon"], link[rel="manifest"]')]
    for url in _linked_assets(page) + icons:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("accept", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_compressed_responses_decode_to_the_plain_file(client, app, accept, decode):
    manifest = app.extensions["asset_manifest"]
    for logical in ("build/app.css", "js/app.js"):
        url = f"/static/{manifest[logical]}"
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        compressed = client.get(url, headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in plain.headers
        assert compressed.headers["Content-Encoding"] == accept
        assert "Accept-Encoding" in compressed.headers["Vary"]
        assert len(compressed.get_data()) < len(plain.get_data())
        assert decode(compressed.get_data()) == plain.get_data()


def test_every_url_in_the_built_styles_is_a_served_fingerprinted_file(client, app):
    manifest = app.extensions["asset_manifest"]
    checked = 0
    for logical in ("build/app.css", "build/print.css"):
        css = (Path(app.static_folder) / manifest[logical]).read_text()
        for url in {url for url in CSS_URL.findall(css) if not url.startswith("data:")}:
            assert url.startswith("/static/") and is_fingerprinted(url), url
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
            checked += 1
    assert checked > 0, "app.css draws NHS.UK icons, so it must reference some"


def test_static_files_carry_the_strict_headers_and_run_no_script(client, app):
    page_headers = client.get("/").headers
    manifest = app.extensions["asset_manifest"]
    icon = next(name for name in manifest if name.endswith(".svg"))
    for url in ("/static/build/app.css", f"/static/{manifest['js/app.js']}", f"/static/{manifest[icon]}"):
        headers = client.get(url).headers
        for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):
            assert headers[name] == page_headers[name], (url, name)
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
        assert "script-src" not in policy, url


def test_plain_names_still_work_with_a_short_cache(client):
    response = client.get("/static/build/app.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=3600, public"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/static/build/absent.css", "/static/build/app.0123456789.css"])
def test_a_missing_static_file_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_app_starts_without_a_manifest_and_says_so_once(tmp_path: Path, capsys):
    settings = {
        "PORTAL_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "ASSET_MANIFEST": tmp_path / "no-build-yet" / MANIFEST_NAME,
    }
    capsys.readouterr()
    apps = [create_app(settings), create_app(settings)]
    with apps[0].test_request_context():
        assert url_for("static", filename="build/app.css") == "/static/build/app.css"
        assert url_for("static", filename="build/nhsuk/assets") == "/static/build/nhsuk/assets"
    response = apps[1].test_client().get("/static/js/app.js")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "max-age=3600, public"
    assert capsys.readouterr().err.count("No asset manifest") == 1


def test_an_empty_static_folder_builds_an_empty_manifest(tmp_path: Path):
    assert build(tmp_path / "static") == {}
    assert json.loads((tmp_path / "static" / "build" / MANIFEST_NAME).read_text())["paths"] == {}
