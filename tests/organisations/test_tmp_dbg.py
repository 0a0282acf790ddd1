import werkzeug.routing
import werkzeug.routing.converters as c

werkzeug.routing.NumberConverter = c.NumberConverter
from tests.organisations.test_listings import (
    NEW,
    Page,
    _only_listing,
    listing_values,
    post,
)


def test_dbg(client, editor, admin_client):
    post(client, NEW, data=listing_values(action="submit"))
    listing = _only_listing(editor)
    path = f"/admin/moderation/{listing.id}"
    r = post(
        admin_client,
        path,
        dict(decision="refer-back", referral_reason="pay-unclear", detail="Say the hours."),
        token_page=path,
    )
    print(r.status_code, r.headers.get("Location"), Page(r).text[:1500])
