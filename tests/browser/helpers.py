"""What browser tests share: axe with the WCAG 2.2 AA rules, and a form submit that waits for its page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}


def axe_violations(page) -> list[str]:
    """Every WCAG 2.2 AA violation axe finds on the page, one readable line each."""
    results = Axe().run(page, options=AXE_RULES)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def submit(page, button: str) -> None:
    """Click a form's button and wait for the page it leads to: a click alone returns before it arrives."""
    with page.expect_navigation():
        page.click(button)
