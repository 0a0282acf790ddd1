"""Explainable text matching for service areas and opportunities (numpy, scipy, scikit-learn only)."""
