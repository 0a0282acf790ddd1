"""Security headers, and a script policy made of hashes of the templates' own fixed scripts."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader

from portal.security import InlineScriptError, script_hash, template_script_hashes
from tests.hostile import html_problems


def test_every_response_carries_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp and "nonce" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/", "/service-areas/audiology", "/find-your-fit", "/entry-routes/"])
def test_every_inline_script_on_a_page_is_allowed_by_its_hash_and_nothing_else_is(client, path):
    response = client.get(path)
    assert html_problems(response, None) == []
    policy = response.headers["Content-Security-Policy"]
    assert policy.count("'sha256-") == 1, "only the NHS.UK js-enabled snippet is inline"


def test_a_template_script_built_at_runtime_is_refused():
    loader = DictLoader({"page.html": "<script>var x = '{{ name }}';</script>"})
    with pytest.raises(InlineScriptError, match=r"page\.html"):
        template_script_hashes(loader, ["page.html"])


def test_data_blocks_and_script_files_need_no_hash():
    loader = DictLoader(
        {
            "page.html": (
                '<script type="application/ld+json">{{ data | tojson }}</script>'
                '<script type="module" src="/static/js/app.js"></script>'
                "<script>fixed()</script>"
            )
        }
    )
    assert template_script_hashes(loader, ["page.html"]) == [script_hash("fixed()")]


def test_json_ld_cannot_be_broken_out_of(client, db_session):
    from portal.models import ServiceArea

    area = db_session.get(ServiceArea, "audiology")
    area.summary = "</script><script>alert(1)</script>"
    db_session.flush()
    html = client.get("/service-areas/audiology").text
    assert "</script><script>alert(1)" not in html
