"""ReportLab PDF builders fed by analytics results (no Qt)."""
