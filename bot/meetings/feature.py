"""Registers the meetings feature: flows and keywords, the worker's reminders, the
RSVP export and the eraser."""

import bot.meetings.erasure
import bot.meetings.export
import bot.meetings.reminders  # noqa: F401
import flows.checkin
import flows.rsvp  # noqa: F401
