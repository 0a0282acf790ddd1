"""/opportunities/feed.atom: the same search as the page, as well-formed Atom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from tests.factories import make_opportunity, make_organisation

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client, query: str = "") -> ElementTree.Element:
    response = client.get(f"/opportunities/feed.atom{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.get_data())


def _titles(feed: ElementTree.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_the_feed_parses_and_lists_the_newest_live_listings_first(client, db_session):
    start = datetime(2026, 6, 1, tzinfo=UTC)
    for day in range(3):
        make_opportunity(title=f"Listing {day}", live_since=start + timedelta(days=day))
    make_opportunity(title="Not live", status="draft")
    feed = _feed(client)
    assert _titles(feed) == ["Listing 2", "Listing 1", "Listing 0"]
    entry = next(feed.iter(f"{ATOM}entry"))
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("http://localhost/opportunities/") and entry.findtext(f"{ATOM}id") == link
    assert entry.findtext(f"{ATOM}published") == "2026-06-03T00:00:00Z"
    assert entry.find(f"{ATOM}category").get("term") == "audiology"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/opportunities/feed.atom"


def test_the_feed_takes_the_search_parameters(client, db_session):
    make_opportunity(title="A job", type="job")
    make_opportunity(title="A placement")
    feed = _feed(client, "?type=job&q=audiology")
    assert _titles(feed) == ["A job"]
    assert feed.findtext(f"{ATOM}title") == "Opportunities matching “audiology”"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("feed.atom?q=audiology&type=job")


def test_the_feed_stops_at_fifty_entries(client, db_session):
    for _ in range(55):
        make_opportunity()
    assert len(_titles(_feed(client))) == 50


def test_text_in_the_feed_is_escaped_and_stays_well_formed(client, db_session):
    trust = make_organisation(name="Bits & <Pieces> Trust")
    make_opportunity(
        organisation=trust, title="<b>Bold</b> & \x1b odd", description="Ends with ]]> and <tags>"
    )
    feed = _feed(client, "?q=%3Cb%3Ebold%1B")
    assert _titles(feed) == ["<b>Bold</b> &  odd"]
    assert feed.findtext(f"{ATOM}title") == "Opportunities matching “<b>bold”"
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Bits & <Pieces> Trust"
    assert "Ends with ]]> and <tags>" in entry.findtext(f"{ATOM}summary")


def test_an_unknown_place_gives_an_empty_feed_that_says_why(client, db_session):
    make_opportunity()
    feed = _feed(client, "?near=Leedz")
    assert _titles(feed) == []
    assert "Leedz" in feed.findtext(f"{ATOM}subtitle")
