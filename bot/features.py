"""Imports every feature once, so that their flows, keywords, menu items, ticks,
erasers and exports register themselves. The one list of what Mashwara does."""

import bot.audit_export
import bot.broadcasts.hooks
import bot.community
import bot.contact_export
import bot.housekeeping
import bot.meetings.feature  # noqa: F401
import flows  # noqa: F401
