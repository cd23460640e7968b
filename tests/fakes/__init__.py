"""Local fake provider APIs over real HTTP on loopback, for the channel tests."""
