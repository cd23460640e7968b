"""Command groups of the `mashwara` CLI, one module per feature."""
