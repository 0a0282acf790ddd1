"""Jinja set-up: NHS.UK frontend macros, filters and globals shared by every page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from html import escape, unescape
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from flask import Flask, current_app, get_flashed_messages, has_request_context, request, url_for
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, Template
from markupsafe import Markup

from portal.content.files import read_reference
from portal.links import absolute_url
from portal.services.service_areas import slugify
from portal.services.submissions import new_submission_key

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


# Elements whose text is not expanded: a heading the <title> repeats, link and control labels whose
# wording people and tests rely on, code, and text that is already marked up as an abbreviation.
SKIPPED_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "button",
        "code",
        "h1",
        "option",
        "pre",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
    }
)
# Citation lists name documents by their own titles and codes, which must stay as published.
SKIPPED_CLASSES = ("app-sources",)
_VOID_ELEMENTS = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_MAIN = re.compile(r"(<main\b[^>]*>)(.*?)(</main>)", re.S)
# How far either side of an abbreviation (in characters of whitespace-collapsed text, beyond the
# expansion's own length) its expansion may sit and still count as explaining it.
NEARBY = 80
# Raw text is cut this wide before whitespace is collapsed; indentation makes it longer than it reads.
_RAW_WINDOW = 600
_WHITESPACE = re.compile(r"\s+")


def abbreviation_pattern(keys: Iterable[str]) -> re.Pattern[str]:
    """Match any of the keys as a whole word, optionally plural, but not inside a hyphenated code."""
    alternatives = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w&-])({alternatives})(s?)(?![\w&]|-\w)")


def _is_skipped(name: str, attributes: str) -> bool:
    if name in SKIPPED_ELEMENTS:
        return True
    classes = re.search(r"""\bclass\s*=\s*["']([^"']*)["']""", attributes)
    return bool(classes) and any(c in classes.group(1).split() for c in SKIPPED_CLASSES)


class AbbreviationExpander:
    """Spell out each abbreviation the first time it appears in a page's <main>, as "expansion (KEY)"."""

    def __init__(self, abbreviations: dict[str, dict[str, str]]) -> None:
        self.abbreviations = {key: entry for key, entry in abbreviations.items() if entry.get("expansion")}
        self.pattern = abbreviation_pattern(self.abbreviations) if self.abbreviations else None

    def expand_page(self, page: str) -> str:
        """The page with the text of its <main> expanded; pages without <main> come back unchanged."""
        found = _MAIN.search(page) if self.pattern and "<main" in page else None
        if found is None:
            return page
        body = self._expand_html(found.group(2))
        return page[: found.start(2)] + body + page[found.end(2) :]

    def _text_nodes(self, html: str) -> tuple[list[str], list[tuple[int, str, bool]]]:
        """Split HTML into pieces; list (piece index, unescaped text, expandable) for each text piece."""
        pieces: list[str] = []
        nodes: list[tuple[int, str, bool]] = []
        stack: list[tuple[str, bool]] = []
        position = 0
        for tag in _TAG.finditer(html):
            if tag.start() > position:
                skipped = bool(stack) and stack[-1][1]
                nodes.append((len(pieces), unescape(html[position : tag.start()]), not skipped))
                pieces.append(html[position : tag.start()])
            pieces.append(tag.group(0))
            position = tag.end()
            closing, name, attributes = tag.group(1), (tag.group(2) or "").lower(), tag.group(3) or ""
            if not name or name in _VOID_ELEMENTS or attributes.rstrip().endswith("/"):
                continue
            if closing:
                while stack and stack.pop()[0] != name:
                    pass
            else:
                stack.append((name, (bool(stack) and stack[-1][1]) or _is_skipped(name, attributes)))
        nodes.append((len(pieces), unescape(html[position:]), not (stack and stack[-1][1])))
        pieces.append(html[position:])
        return pieces, nodes

    def _expand_html(self, html: str) -> str:
        pieces, nodes = self._text_nodes(html)
        stream = " ".join(text for _, text, _ in nodes)
        seen: set[str] = set()
        offset = 0
        for index, text, expandable in nodes:
            if expandable and self.pattern.search(text):
                changed = self._expand_text(text, stream, offset, seen)
                if changed is not None:
                    pieces[index] = changed
            offset += len(text) + 1
        return "".join(pieces)

    def _expand_text(self, text: str, stream: str, offset: int, seen: set[str]) -> str | None:
        """The text node as escaped HTML with its first uses spelled out, or None if nothing changed."""
        parts: list[str] = []
        position = 0
        for match in self.pattern.finditer(text):
            key, plural = match.group(1), bool(match.group(2))
            if key in seen:
                continue
            seen.add(key)
            start, end = offset + match.start(), offset + match.end()
            if self._explained_nearby(
                key, stream[max(0, start - _RAW_WINDOW) : start], stream[end : end + _RAW_WINDOW]
            ):
                continue
            before = text[: match.start()]
            in_brackets = before.endswith("(") and text[match.end() : match.end() + 1] == ")"
            spelled = self._spelled_out(key, plural, seen)
            if not before or re.search(r"[.!?]\s+$", before):
                spelled = spelled[:1].upper() + spelled[1:]
            short = match.group(0)
            words = f"{spelled}, {short}" if in_brackets else f"{spelled} ({short})"
            # The class and the short form let tests (and print styles) tell added words from content.
            added = f'<span class="app-expansion" data-short="{escape(short)}">{escape(words, quote=False)}'
            parts += [escape(text[position : match.start()], quote=False), added + "</span>"]
            position = match.end()
        return "".join(parts) + escape(text[position:], quote=False) if parts else None

    def _forms(self, key: str) -> tuple[str, str]:
        entry = self.abbreviations[key]
        return entry["expansion"], entry.get("plural") or entry["expansion"] + "s"

    def _explained_nearby(self, key: str, before: str, after: str) -> bool:
        before, after = _WHITESPACE.sub(" ", before.lower()), _WHITESPACE.sub(" ", after.lower())
        for form in self._forms(key):
            form = form.lower()
            if form in before[-(len(form) + NEARBY) :] or form in after[: len(form) + NEARBY]:
                return True
        return False

    def _spelled_out(self, key: str, plural: bool, seen: set[str]) -> str:
        """The expansion, with any abbreviation inside it spelled out too if the page has not yet."""
        words = self._forms(key)[1 if plural else 0]

        def inner(match: re.Match[str]) -> str:
            if match.group(1) in seen or match.group(1) == key:
                return match.group(0)
            seen.add(match.group(1))
            return f"{self._forms(match.group(1))[0]} ({match.group(0)})"

        return self.pattern.sub(inner, words)


def _for_the_public() -> bool:
    """True for pages anyone may open, whose readers may meet these words for the first time.

    Pages behind a role (their views carry ``required_role``) are left as they are: they are mostly
    people's own records (names, postcodes, choices), which must read exactly as entered.
    """
    if not has_request_context():
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "required_role", None) is None


class PageTemplate(Template):
    """A template whose rendered pages spell out abbreviations, so cached pages store the result."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render, then expand the first use of each abbreviation in <main>."""
        page = super().render(*args, **kwargs)
        expander = getattr(self.environment, "abbreviation_expander", None)
        return expander.expand_page(page) if expander and _for_the_public() else page


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


def flashed_messages(with_categories: bool = False, category_filter: Iterable[str] = ()) -> list[Any]:
    """Flask's ``get_flashed_messages``, without opening the session of a visitor who has none.

    Every page asks for its flashes; opening an empty session would mark a page that is the same
    for everyone as varying by cookie, so no browser or proxy could share it.
    """
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return []
    return get_flashed_messages(with_categories=with_categories, category_filter=category_filter)


def submission_key_input() -> Markup:
    """A hidden one-time key for a form that posts, so that sending it twice creates one record.

    See ``portal.forms.submitted_once``. A page carrying one also carries a CSRF token, so it is
    never stored for others (``portal.caching``).
    """
    return Markup('<input type="hidden" name="submission_key" value="{}">').format(new_submission_key())


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
    # Set before any template is compiled, so that every page is built from PageTemplate.
    app.jinja_env.template_class = PageTemplate
    app.jinja_env.abbreviation_expander = AbbreviationExpander(reference.abbreviations)
    app.jinja_env.globals.update(
        service_name=SERVICE_NAME,
        navigation_items=navigation_items,
        absolute_url=absolute_url,
        labels=reference.vocabulary,
        reference=reference,
        get_flashed_messages=flashed_messages,
        submission_key_input=submission_key_input,
    )
