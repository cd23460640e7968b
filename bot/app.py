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
    trust_proxy_headers(app, services.settings.trusted_proxies)
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


def trust_proxy_headers(app: Flask, proxies: int) -> None:
    """X-Forwarded-* believed only from the configured number of proxies: otherwise anyone
    could name their own address, get round the sign-in limit and write a forged address
    into the audit trail. The nearest proxy tells the scheme, host and prefix."""
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=1, x_host=1, x_prefix=1)
