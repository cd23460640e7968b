"""Mashwara core: configuration, store, inbox, outbox, dispatcher, worker and CLI."""
