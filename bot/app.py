"""The Flask application factory: the composition root of the web side."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

import dashboard
import webhooks
from bot.core import config
from bot.core.http_headers import protect
from bot.services import Services


def create_app(settings: config.Settings | None = None,
               services: Services | None = None) -> Flask:
    services = services or Services(settings or config.load())
    app = Flask(__name__)
    app.config.update(SECRET_KEY=services.settings.secret_key)
    protect(app, services.settings.public_url)
    app.extensions["mashwara"] = services
    dashboard.init_app(app, services)
    # Behind one reverse proxy: the scheme, host and prefix the client used.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    webhooks.register(app)

    @app.get("/healthz")
    def healthz():
        try:
            with services.database.read() as db:
                db.execute(text("SELECT 1"))
        except Exception:
            return jsonify(status="unavailable", database="down"), 503
        return jsonify(status="ok", database="ok")

    return app
