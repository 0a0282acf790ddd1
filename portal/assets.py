"""Static files: fingerprinted, compressed and served by WhiteNoise.

``python -m portal.assets build`` runs after the styles are compiled. It writes a copy of every
file under ``static/build`` and ``static/js`` whose name carries a hash of its content
(``build/app.css`` becomes ``build/app.3f9a1c2b7d.css``; ``js/app.js`` goes to
``build/js/app.<hash>.js`` so that nothing is written beside tracked sources), with the
references inside CSS and JavaScript rewritten to the fingerprinted names. The NHS.UK template
addresses its favicons by a folder prefix (``assetPath``), so that folder is copied whole under
a name that carries a hash of everything in it. ``build/asset-manifest.json`` maps each logical
path to its fingerprinted one, and every compressible output gets ``.gz`` and ``.br`` variants.

At run time WhiteNoise answers ``/static/`` before Flask does: fingerprinted files are cached
for a year as immutable, other paths for an hour, and ``url_for("static", ...)`` gives the
fingerprinted URL whenever the manifest knows the file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import posixpath
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from portal.security import STATIC_FILE_HEADERS

log = logging.getLogger(__name__)

SOURCE_FOLDERS = ("build", "js")
OUTPUT_FOLDER = "build"
MANIFEST_NAME = "asset-manifest.json"
MANIFEST_VERSION = 1
# Templates build URLs under these folders by string concatenation, so each is fingerprinted whole.
PREFIXED_FOLDERS = ("build/nhsuk/assets",)
FINGERPRINT_LENGTH = 10
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
MUTABLE_MAX_AGE = 60 * 60
DEFAULT_URL_PREFIX = "/static/"

# A path segment named like ``app.3f9a1c2b7d.css`` or ``assets.3f9a1c2b7d`` is a build output.
_FINGERPRINTED_SEGMENT = re.compile(rf"^.+\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(\.[^.]+)?$")
_COMPRESSED_SUFFIXES = (".gz", ".br")
_CSS_REFERENCES = (
    re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<ref>[^'")\s]+)(?P=quote)\s*\)"""),
    re.compile(r"""@import\s+(?P<quote>['"])(?P<ref>[^'"]+)(?P=quote)"""),
    re.compile(r"""sourceMappingURL=(?P<quote>)(?P<ref>[^\s*]+)"""),
)
_JS_REFERENCES = (
    re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*(?P<quote>['"])(?P<ref>\.{0,2}/[^'"\s]+)(?P=quote)"""),
    re.compile(r"""//[#@] sourceMappingURL=(?P<quote>)(?P<ref>[^\s'"]+)"""),
)
_REFERENCES_BY_SUFFIX = {".css": _CSS_REFERENCES, ".js": _JS_REFERENCES, ".mjs": _JS_REFERENCES}
_warned_missing: set[Path] = set()


def is_fingerprinted(path: str) -> bool:
    """Whether a path (or URL) names a build output, whose content never changes under that name."""
    return any(_FINGERPRINTED_SEGMENT.match(segment) for segment in path.split("/"))


def fingerprinted_name(path: str, digest: str) -> str:
    """``build/app.css`` with digest ``3f9a...`` becomes ``build/app.3f9a1c2b7d.css``."""
    folder, name = posixpath.split(path)
    stem, dot, suffix = name.rpartition(".")
    if not stem:  # no suffix, or a name such as ".htaccess"
        stem, dot, suffix = name, "", ""
    named = f"{stem}.{digest[:FINGERPRINT_LENGTH]}{dot}{suffix}"
    return posixpath.join(folder, named) if folder else named


def output_location(logical: str) -> str:
    """Where a source's fingerprinted copy goes: beside it if under build/, else mirrored into build/."""
    if logical.startswith(f"{OUTPUT_FOLDER}/"):
        return logical
    return f"{OUTPUT_FOLDER}/{logical}"


def source_files(static_folder: Path) -> dict[str, Path]:
    """Every source file by logical path, leaving out build outputs, compressed variants and dotfiles."""
    manifest = f"{OUTPUT_FOLDER}/{MANIFEST_NAME}"
    found: dict[str, Path] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((static_folder / folder).rglob("*")):
            logical = path.relative_to(static_folder).as_posix()
            if not path.is_file() or logical == manifest or is_fingerprinted(logical):
                continue
            if path.name.startswith(".") or path.suffix in _COMPRESSED_SUFFIXES:
                continue
            found[logical] = path
    return found


def _write_if_changed(path: Path, data: bytes) -> None:
    # An unchanged file keeps its modification time, so its compressed variants stay current.
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


class _Build:
    """One run of the build: fingerprints each source once, the files it references first."""

    def __init__(self, static_folder: Path, url_prefix: str) -> None:
        self.static_folder = static_folder
        self.url_prefix = url_prefix
        self.sources = source_files(static_folder)
        self.outputs: dict[str, str] = {}
        self._in_progress: set[str] = set()

    def fingerprint(self, logical: str) -> str:
        """The fingerprinted path of a source, writing it on first use."""
        if logical in self.outputs:
            return self.outputs[logical]
        if logical in self._in_progress:  # files that reference each other keep the plain name
            return logical
        self._in_progress.add(logical)
        data = self.sources[logical].read_bytes()
        patterns = _REFERENCES_BY_SUFFIX.get(self.sources[logical].suffix.lower())
        if patterns:
            data = self._rewritten(logical, data.decode("utf-8"), patterns).encode("utf-8")
        output = fingerprinted_name(output_location(logical), hashlib.sha256(data).hexdigest())
        _write_if_changed(self.static_folder / output, data)
        self.outputs[logical] = output
        self._in_progress.discard(logical)
        return output

    def fingerprint_folder(self, folder: str) -> None:
        """Copy a folder whole under a name carrying a hash of its files' names and contents."""
        members = sorted(logical for logical in self.sources if logical.startswith(f"{folder}/"))
        if not members:
            return
        digest = hashlib.sha256()
        for logical in members:
            content_hash = hashlib.sha256(self.sources[logical].read_bytes()).hexdigest()
            digest.update(f"{logical[len(folder) + 1 :]}\0{content_hash}\n".encode())
        output = fingerprinted_name(folder, digest.hexdigest())
        for logical in members:
            target = self.static_folder / output / logical[len(folder) + 1 :]
            _write_if_changed(target, self.sources[logical].read_bytes())
        self.outputs[folder] = output

    def _rewritten(self, logical: str, text: str, patterns: Iterable[re.Pattern[str]]) -> str:
        for pattern in patterns:
            text = pattern.sub(lambda match: self._replacement(logical, match), text)
        return text

    def _replacement(self, logical: str, match: re.Match[str]) -> str:
        reference = match["ref"]
        rewritten = self._rewritten_reference(logical, reference)
        if rewritten is None:
            return match[0]
        start, end = match.start("ref") - match.start(), match.end("ref") - match.start()
        return match[0][:start] + rewritten + match[0][end:]

    def _rewritten_reference(self, logical: str, reference: str) -> str | None:
        path = re.split(r"[?#]", reference, maxsplit=1)[0]
        suffix = reference[len(path) :]  # a query or fragment stays as written
        if not path or path.startswith("//") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", path):
            return None
        absolute = path.startswith(self.url_prefix)
        if absolute:
            target = path[len(self.url_prefix) :]
        elif path.startswith("/"):
            return None
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(logical), path))
        if target not in self.sources:
            return None
        output = self.fingerprint(target)
        if absolute:
            return self.url_prefix + output + suffix
        here = posixpath.dirname(output_location(logical))
        relative = posixpath.relpath(output, here or ".")
        if path.startswith("./") and not relative.startswith("."):
            relative = f"./{relative}"
        return relative + suffix


def _built_files(folder: Path) -> list[Path]:
    """The files under the build folder that could have compressed variants."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".") and path.suffix not in _COMPRESSED_SUFFIXES
    )


def _compress(files: Iterable[Path]) -> None:
    compressor = Compressor(quiet=True)
    for path in files:
        if not compressor.should_compress(path.name):
            continue
        modified = path.stat().st_mtime
        variants = [Path(f"{path}{suffix}") for suffix in _COMPRESSED_SUFFIXES]
        # WhiteNoise gives each variant its source's modification time: equal means up to date.
        if all(variant.is_file() and variant.stat().st_mtime == modified for variant in variants):
            continue
        compressor.compress(str(path))


def _prune(static_folder: Path, keep: set[str]) -> None:
    """Remove fingerprinted outputs that neither this build nor the one before wrote."""
    output_root = static_folder / OUTPUT_FOLDER
    for path in sorted(output_root.rglob("*"), reverse=True):
        logical = path.relative_to(static_folder).as_posix()
        if path.suffix in _COMPRESSED_SUFFIXES:
            logical = logical[: -len(path.suffix)]
        if not _FINGERPRINTED_SEGMENT.match(posixpath.basename(logical)) or logical in keep:
            continue
        if any(logical.startswith(f"{kept}/") for kept in keep):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def read_manifest(path: Path) -> dict[str, str] | None:
    """The logical-to-fingerprinted mapping of a manifest file, or None when there is none."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if stored.get("version") != MANIFEST_VERSION:
        raise ValueError(f"{path} is not a version {MANIFEST_VERSION} asset manifest: rebuild it")
    return dict(stored["paths"])


def build(static_folder: Path, url_prefix: str = DEFAULT_URL_PREFIX, compress: bool = True) -> dict[str, str]:
    """Fingerprint, rewrite and compress every static source; write and return the manifest."""
    manifest_path = static_folder / OUTPUT_FOLDER / MANIFEST_NAME
    previous = read_manifest(manifest_path) or {}
    run = _Build(static_folder, url_prefix)
    for logical in run.sources:
        run.fingerprint(logical)
    for folder in PREFIXED_FOLDERS:
        run.fingerprint_folder(folder)
    manifest = dict(sorted(run.outputs.items()))
    document = json.dumps({"version": MANIFEST_VERSION, "paths": manifest}, indent=2, sort_keys=True)
    _write_if_changed(manifest_path, f"{document}\n".encode())
    _prune(static_folder, set(manifest.values()) | set(previous.values()))
    if compress:
        _compress(_built_files(static_folder / OUTPUT_FOLDER))
    return manifest


def _add_static_headers(headers: Headers, path: str, url: str) -> None:
    for name, value in STATIC_FILE_HEADERS.items():
        headers[name] = value
    if is_fingerprinted(url):
        headers["Cache-Control"] = IMMUTABLE_CACHE_CONTROL


def _load_manifest(path: Path) -> dict[str, str]:
    manifest = read_manifest(path)
    if manifest is None:
        if path not in _warned_missing:
            _warned_missing.add(path)
            log.warning("No asset manifest at %s: static files keep plain names (run make setup)", path)
        return {}
    return manifest


def init_app(app: Flask) -> None:
    """Serve /static/ through WhiteNoise and make url_for("static", ...) give fingerprinted URLs."""
    static_folder = Path(app.static_folder or "static")
    manifest_path = Path(app.config.get("ASSET_MANIFEST") or static_folder / OUTPUT_FOLDER / MANIFEST_NAME)
    manifest = _load_manifest(manifest_path)
    app.extensions["asset_manifest"] = manifest

    def fingerprinted_static_url(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.url_defaults(fingerprinted_static_url)
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=static_folder,
        prefix=app.static_url_path,
        max_age=MUTABLE_MAX_AGE,
        autorefresh=app.debug,
        immutable_file_test=lambda path, url: is_fingerprinted(url),
        add_headers_function=_add_static_headers,
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m portal.assets build``: the step the Makefile runs after compiling the styles."""
    parser = argparse.ArgumentParser(prog="python -m portal.assets", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--static-folder", type=Path, default=Path(__file__).resolve().parents[1] / "static")
    arguments = parser.parse_args(argv)
    build(arguments.static_folder)


if __name__ == "__main__":
    main()
