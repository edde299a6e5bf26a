"""The Cases tab: the support queue as a lazy table with a status filter."""
