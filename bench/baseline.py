"""The baseline for bench/webhooks.py: a bare Flask endpoint doing one INSERT, served
the same way (gunicorn, 2 workers) on the same database."""

from __future__ import annotations

import os

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert

metadata = MetaData()
rows = Table("bench_baseline", metadata, Column("id", Integer, primary_key=True),
             Column("body", Text))


def create_app() -> Flask:
    engine = create_engine(os.environ["MASHWARA_DATABASE_URL"])
    metadata.create_all(engine)
    app = Flask(__name__)

    @app.post("/insert")
    def insert_one():
        with engine.begin() as connection:
            connection.execute(insert(rows).values(body=request.get_data(as_text=True)))
        return "", 200

    return app
