"""The JSON API under /api/v1 and its OpenAPI document at /api/openapi.json.

To add a resource: write a module here with its shapes (dataclasses, see schema.py)
and `@endpoint(...)` handlers (see contacts.py), and import it below."""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from dashboard.api import (  # noqa: F401  (they register their routes)
    broadcasts,
    channels,
    community,
    consultations,
    contacts,
    conversations,
    groups,
    meetings,
    messages,
    recommendations,
    referrals,
)
from dashboard.api.openapi import document
from dashboard.api.registry import ApiError, api, error_response
from dashboard.permissions import public
from dashboard.security import add_headers

api.after_request(add_headers)


@api.get("/openapi.json")
@public
def openapi():
    return jsonify(document(request.script_root + "/api"))


def json_errors(app) -> None:
    """Errors under /api answer as JSON, including Flask's own 404 and 405."""
    app.register_error_handler(ApiError, error_response)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            return error
        code = (error.name or "error").lower().replace(" ", "_")
        response = error_response(ApiError(error.code or 500, code, error.description or ""))
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
