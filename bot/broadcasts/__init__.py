"""Scheduled broadcasts: compose, schedule, fan out to the outbox, control, report."""
