"""Workforce intelligence: published counts of people and listings, by area, division, region and week."""

from portal.services.workforce.cells import (
    REGION_SLUGS,
    REGIONS,
    SMALLEST_PUBLISHED,
    Cells,
    current_cells,
    load_cells,
)
from portal.services.workforce.figures import (
    DEFAULT_PERIOD_WEEKS,
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    Count,
    Figures,
    FilterError,
    Filters,
    Row,
    Week,
)
from portal.services.workforce.shortage import Shortage, ShortageRow, shortage

__all__ = [
    "DEFAULT_PERIOD_WEEKS",
    "DIVISION_SLUGS",
    "PERIOD_WEEKS",
    "REGIONS",
    "REGION_SLUGS",
    "SMALLEST_PUBLISHED",
    "Cells",
    "Count",
    "Figures",
    "FilterError",
    "Filters",
    "Row",
    "Shortage",
    "ShortageRow",
    "Week",
    "current_cells",
    "load_cells",
    "shortage",
]
