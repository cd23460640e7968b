"""Command groups of features, each added to `bot.cli.main` with one line."""
