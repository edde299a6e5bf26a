"""Use cases: the only API that ui/, the CLI and reports call. One module per area."""
