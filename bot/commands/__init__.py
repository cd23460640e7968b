"""CLI command groups, one module per feature, added to bot/cli.py."""
