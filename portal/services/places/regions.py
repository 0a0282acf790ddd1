"""NHS England regions by county or unitary authority, and the names people give the four nations.

NHS England's seven regions are built from integrated care boards, which follow upper-tier local
authorities with three exceptions that cross a region boundary: Cumbria (north to the North East
and North Cumbria board, south to Lancashire and South Cumbria), Derbyshire (Glossop to Greater
Manchester) and Nottinghamshire (Bassetlaw to South Yorkshire). GeoNames places towns only in
counties, so a town in those three gets no region rather than a guessed one.
"""

from __future__ import annotations

NE_YORKS = "North East and Yorkshire"
NORTH_WEST = "North West"
MIDLANDS = "Midlands"
EAST = "East of England"
LONDON = "London"
SOUTH_EAST = "South East"
SOUTH_WEST = "South West"
SPLIT_ACROSS_REGIONS = None

# Keys are county names as ``tidy_county`` writes them; every English county a town is placed in
# must appear here (tests/services/test_places.py checks it), so a data update cannot drop a region.
ENGLISH_COUNTY_REGIONS: dict[str, str | None] = {
    **dict.fromkeys(
        [
            "Northumberland",
            "Newcastle upon Tyne",
            "North Tyneside",
            "South Tyneside",
            "Gateshead",
            "Sunderland",
            "County Durham",
            "Darlington",
            "Hartlepool",
            "Stockton-on-Tees",
            "Middlesbrough",
            "Redcar and Cleveland",
            "North Yorkshire",
            "York",
            "East Riding of Yorkshire",
            "Kingston upon Hull",
            "North Lincolnshire",
            "North East Lincolnshire",
            "Leeds",
            "Bradford",
            "Calderdale",
            "Kirklees",
            "Wakefield",
            "Sheffield",
            "Rotherham",
            "Doncaster",
            "Barnsley",
        ],
        NE_YORKS,
    ),
    **dict.fromkeys(
        [
            "Lancashire",
            "Blackpool",
            "Blackburn with Darwen",
            "Bolton",
            "Bury",
            "Manchester",
            "Oldham",
            "Rochdale",
            "Salford",
            "Stockport",
            "Tameside",
            "Trafford",
            "Wigan",
            "Knowsley",
            "Liverpool",
            "St. Helens",
            "Sefton",
            "Wirral",
            "Cheshire East",
            "Cheshire West and Chester",
            "Halton",
            "Warrington",
        ],
        NORTH_WEST,
    ),
    **dict.fromkeys(
        [
            "Birmingham",
            "Coventry",
            "Dudley",
            "Sandwell",
            "Solihull",
            "Walsall",
            "Wolverhampton",
            "Warwickshire",
            "Worcestershire",
            "Herefordshire",
            "Shropshire",
            "Telford and Wrekin",
            "Staffordshire",
            "Stoke-on-Trent",
            "Derby",
            "Nottingham",
            "Leicester",
            "Leicestershire",
            "Rutland",
            "Lincolnshire",
            "North Northamptonshire",
            "West Northamptonshire",
        ],
        MIDLANDS,
    ),
    **dict.fromkeys(
        [
            "Bedford",
            "Central Bedfordshire",
            "Luton",
            "Milton Keynes",
            "Cambridgeshire",
            "Peterborough",
            "Essex",
            "Southend-on-Sea",
            "Thurrock",
            "Hertfordshire",
            "Norfolk",
            "Suffolk",
        ],
        EAST,
    ),
    "Greater London": LONDON,
    **dict.fromkeys(
        [
            "Kent",
            "Medway",
            "East Sussex",
            "West Sussex",
            "Brighton and Hove",
            "Surrey",
            "Hampshire",
            "Southampton",
            "Portsmouth",
            "Isle of Wight",
            "Bracknell Forest",
            "Reading",
            "Slough",
            "West Berkshire",
            "Windsor and Maidenhead",
            "Wokingham",
            "Oxfordshire",
            "Buckinghamshire",
        ],
        SOUTH_EAST,
    ),
    **dict.fromkeys(
        [
            "Cornwall",
            "Isles of Scilly",
            "Devon",
            "Plymouth",
            "Torbay",
            "Somerset",
            "North Somerset",
            "Bath and North East Somerset",
            "City of Bristol",
            "South Gloucestershire",
            "Gloucestershire",
            "Wiltshire",
            "Swindon",
            "Dorset",
            "Bournemouth, Christchurch and Poole",
        ],
        SOUTH_WEST,
    ),
    **dict.fromkeys(["Cumbria", "Derbyshire", "Nottinghamshire"], SPLIT_ACROSS_REGIONS),
}

NATION_ALIASES: dict[str, str] = {
    **dict.fromkeys(["england", "eng", "english"], "England"),
    **dict.fromkeys(["scotland", "scot", "sct", "alba", "scottish"], "Scotland"),
    **dict.fromkeys(["wales", "cymru", "wls", "welsh"], "Wales"),
    **dict.fromkeys(["northern ireland", "ni", "n ireland", "nir", "norn iron"], "Northern Ireland"),
}
# Words that name the whole country or a nation, never a town a person could search near.
COUNTRY_WORDS = frozenset({"uk", "united kingdom", "great britain", "britain", "gb"})

# GeoNames writes some names back to front ("Durham, County"); these are the suffixes it moves.
_MOVED_PREFIXES = ("City of", "County", "The")


def tidy_county(name: str) -> str:
    """A county as people write it: "Durham, County" -> "County Durham"."""
    head, _, tail = name.rpartition(", ")
    return f"{tail} {head}" if head and tail in _MOVED_PREFIXES else name


def region_for(nation: str, county: str | None) -> str | None:
    """The NHS England region of a town in ``county``; None outside England or where a county is split."""
    if nation != "England" or county is None:
        return None
    return ENGLISH_COUNTY_REGIONS.get(county)
