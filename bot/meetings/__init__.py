"""Meetings and RSVPs: invitations, answers, reminders, check-in and outcomes.

`service` changes meetings (what the coordinator's commands call), `rsvp` records
answers (what the flows call), `reminders` is the worker's scheduled work, `texts`
and `calendar` write what people read.
"""
