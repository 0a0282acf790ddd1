"""Jinja set-up: NHS.UK frontend macros, filters and globals shared by every page."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import markdown
import nh3
from flask import Flask, request, url_for
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from markupsafe import Markup

from portal.content.files import read_reference
from portal.links import absolute_url
from portal.services.service_areas import slugify

SERVICE_NAME = "Healthcare Science Careers"
# (endpoint, text, endpoints of the pages that sit under it)
NAVIGATION = (
    ("explore.find_your_fit", "Find your fit", {"explore.results", "explore.shared"}),
    ("public.service_areas", "Service areas", {"public.service_area", "public.compare"}),
    ("public.entry_routes", "Ways in", {"public.entry_route"}),
    ("opportunities.search", "Opportunities", {"opportunities.detail"}),
    ("public.about", "What is healthcare science?", set()),
    # The same link for everyone (public pages are cached): it leads to sign-in when nobody is.
    ("candidates.dashboard", "Your account", set()),
)


@lru_cache(maxsize=512)
def render_markdown(text: str) -> Markup:
    """Render Markdown from content/ (never user input) to HTML, the one place markup is marked safe."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    # content/ is reviewed, but it is sanitised all the same: a slip in a profile must not become a
    # script. That is why bandit's B704 (Markup on untrusted data) does not apply here.
    return Markup(nh3.clean(html))  # nosec B704


def navigation_items() -> list[dict[str, object]]:
    """Header navigation with the current section marked."""
    current = request.endpoint
    return [
        {
            "href": url_for(endpoint),
            "text": text,
            "current": current == endpoint,
            "active": current in children,
        }
        for endpoint, text, children in NAVIGATION
    ]


def init_app(app: Flask) -> None:
    """Make the NHS.UK macros and the portal's helpers available to templates."""
    # Flask escapes only .html and .xml templates by default; the NHS.UK macros are .jinja files, so
    # without this every "text" value passed through them would be printed raw.
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["slugify"] = slugify
    app.jinja_env.filters["host"] = lambda url: urlsplit(url).hostname or url
    reference = read_reference(app.config["CONTENT_DIR"])
    app.extensions["content_reference"] = reference
    app.jinja_env.globals.update(
        service_name=SERVICE_NAME,
        navigation_items=navigation_items,
        absolute_url=absolute_url,
        labels=reference.vocabulary,
        reference=reference,
    )
