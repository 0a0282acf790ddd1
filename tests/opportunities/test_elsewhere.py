"""Live listings where people find careers: each profile page and the Find your fit results."""

from __future__ import annotations

from tests.factories import make_opportunity
from tests.opportunities.conftest import csrf_token


def test_a_profile_shows_up_to_five_live_listings_in_it_and_its_children(get_page, db_session):
    for _ in range(6):
        make_opportunity(areas=("audiology",))
    child = make_opportunity(title="Hearing aid rehabilitation day", areas=("adult-auditory-rehabilitation",))
    make_opportunity(title="Not live", status="draft", areas=("audiology",))
    page = get_page("/service-areas/audiology")
    listed = page.select("#opportunities ~ ul.app-opportunity-list .app-opportunity")
    assert len(listed) == 5
    assert "Not live" not in page.text
    more = page.soup.find("a", href="/opportunities/?service_area=audiology")
    assert more.get_text(strip=True) == "See all 7 opportunities in audiology"
    child_page = get_page("/service-areas/adult-auditory-rehabilitation")
    assert child.title in child_page.text


def test_a_profile_without_listings_says_so(get_page, db_session):
    page = get_page("/service-areas/audiology")
    assert "There are no live opportunities in audiology just now" in page.text


def test_find_your_fit_results_link_to_live_listings(client, get_page, db_session):
    listing = make_opportunity(title="Audiology taster day", areas=("audiology",))
    token = csrf_token(client, "/find-your-fit")
    response = client.post(
        "/find-your-fit", data={"csrf_token": token, "about": "I want to be an audiologist"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/opportunities/{listing.id}"' in html and "Audiology taster day" in html
