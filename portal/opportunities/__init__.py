"""Finding opportunities: search by keyword and place, one listing, the Atom feed, reports."""
