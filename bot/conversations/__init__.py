"""A coordinator and one person: conversations over the message log."""
