"""Listings placed in and around Leeds, for searches near a place."""

from __future__ import annotations

from portal.models import Opportunity
from tests.factories import make_opportunity

# Town centres as the gazetteer has them: Bradford is about 13 km from Leeds, York about 35 km.
LEEDS = {"town": "Leeds", "latitude": 53.79648, "longitude": -1.54785}
BRADFORD = {"town": "Bradford", "latitude": 53.79391, "longitude": -1.75206}
YORK = {"town": "York", "latitude": 53.95763, "longitude": -1.08271}


def listings_around_leeds() -> dict[str, Opportunity]:
    """A live listing in each of Leeds, Bradford and York, and one online, by town."""
    return {
        "Leeds": make_opportunity(title="Hearing clinic placement", **LEEDS),
        "Bradford": make_opportunity(title="Balance clinic placement", **BRADFORD),
        "York": make_opportunity(title="Newborn hearing placement", **YORK),
        "Online": make_opportunity(
            title="Virtual audiology taster",
            type="event",
            online=True,
            town=None,
            latitude=None,
            longitude=None,
        ),
    }
