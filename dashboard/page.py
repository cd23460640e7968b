"""A page of the dashboard is a blueprint made here: it gets the guard (sign-in,
permission, CSRF) and the security headers. See dashboard/views/__init__.py."""

from __future__ import annotations

from flask import Blueprint

from dashboard.auth import guard
from dashboard.security import add_headers


def page_blueprint(name: str, url_prefix: str = "", **options) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix="/dashboard" + url_prefix, **options)
    blueprint.before_request(guard)
    blueprint.after_request(add_headers)
    return blueprint
