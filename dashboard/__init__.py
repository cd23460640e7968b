"""The coordinators' dashboard (server-rendered pages under /dashboard) and the JSON API
(/api/v1, /api/openapi.json). `init_app` is called by the app factory in bot/app.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, g
from markupsafe import Markup, escape

from bot.text import places

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class DashboardState:
    timezone: str
    country: str


def init_app(app: Flask, services: Services) -> None:
    from dashboard import i18n, scope
    from dashboard.api import api, json_errors
    from dashboard.contact_search import mask
    from dashboard.nav import visible_to
    from dashboard.permissions import can
    from dashboard.security import configure_sessions, csrf_token
    from dashboard.views import NAV, PAGES

    settings = services.settings
    geography = places.load(settings.places)
    app.extensions["dashboard"] = DashboardState(geography.timezone, geography.country)
    configure_sessions(app, settings.public_url)
    scope.install()
    app.jinja_env.autoescape = True  # everywhere, not only for .html templates
    for blueprint in PAGES:
        app.register_blueprint(blueprint)
    app.register_blueprint(api)
    json_errors(app)

    @app.context_processor
    def _template_context():
        return {
            **i18n.template_globals(), "org_name": settings.org_name,
            "nav_items": visible_to(NAV, g.get("user")),
            "area_label": scope.label_for_page,
            "can": lambda permission: can(g.get("user"), permission), "mask": mask,
            "csrf_field": lambda: Markup('<input type="hidden" name="csrf_token" value="{}">')
            .format(escape(csrf_token())),
        }
