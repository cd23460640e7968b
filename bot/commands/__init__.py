"""Coordinators' commands, one module per feature, added to `mashwara` in bot/cli.py."""
