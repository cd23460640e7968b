"""Outbound messages as rows: what any part of Mashwara writes to reach a person;
the pipeline sends them."""
