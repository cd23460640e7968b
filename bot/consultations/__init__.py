"""Consultations: a coordinator asks an audience questions written as data; people
answer in a conversation; the results come back with small counts suppressed."""
