"""Metric definitions of DESIGN §8, computed in SQL or over compact per-customer arrays."""
