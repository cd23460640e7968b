"""The API's routes: each is declared once with `@endpoint(...)` (method, path,
permission, query/body/response shapes, the errors it can answer) and that declaration
registers the Flask view, enforces the bearer token and permission, parses the input and
writes the output, and feeds /api/openapi.json."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from bot.accounts.tokens import USE_PRECISION, note_use, verify_token
from bot.core.clock import now
from bot.store import User
from dashboard import scope
from dashboard.api.schema import MAX_INT, Invalid, dump, parse, spec
from dashboard.permissions import can

api = Blueprint("api", __name__, url_prefix="/api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Error:
    """An error: a stable code for programs and a message for people."""

    code: str
    message: str


@dataclass
class ErrorBody:
    error: Error


@dataclass
class PageQuery:
    limit: int = spec(50, minimum=1, maximum=200, description="items per page")
    cursor: str = spec("", max_length=20, description="next_cursor of the previous page")


@dataclass
class Reply:
    status: int
    body: Any = None


@dataclass
class Call:
    token: Any
    query: Any = None
    body: Any = None

    def can(self, permission: str) -> bool:
        return can(self.token, permission)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    name: str
    permission: str
    summary: str
    tag: str
    query: type | None
    body: type | None
    response: type | None
    status: int
    also: tuple[int, ...]  # other success statuses, with the same response shape
    errors: tuple[int, ...]

    @property
    def path_params(self) -> list[tuple[str, bool]]:
        """(name, is an integer) for each part of the path that is a parameter."""
        return [(name, converter == "int:")
                for converter, name in re.findall(r"<(int:)?(\w+)>", self.path)]


ROUTES: list[Route] = []
_PAGES: dict[type, type] = {}


def page_of(item: type) -> type:
    """The response shape of a paginated list of `item`."""
    if item not in _PAGES:
        _PAGES[item] = dataclasses.make_dataclass(f"{item.__name__}Page", [
            ("items", list[item]),
            ("next_cursor", str | None, spec(description="pass as cursor for the next page")),
        ])
    return _PAGES[item]


def cursor_after(query: PageQuery) -> int | None:
    if not query.cursor:
        return None
    if not query.cursor.isdigit() or int(query.cursor) > 2**63 - 1:
        raise ApiError(400, "bad_cursor", "cursor is not one this API gave")
    return int(query.cursor)


def paged(items: list, limit: int, key: Callable[[Any], int]):
    """A page from `limit + 1` fetched items: the extra one says there is a next page."""
    more = len(items) > limit
    items = items[:limit]
    return items, (str(key(items[-1])) if more and items else None)


def endpoint(method: str, path: str, *, permission: str, summary: str, tag: str,
             query: type | None = None, body: type | None = None,
             response: type | None = None, status: int = 200, also: tuple[int, ...] = (),
             errors: tuple[int, ...] = ()):
    def decorate(handler):
        route = Route(method, path, handler.__name__, permission, summary, tag, query, body,
                      response, status, also, tuple(sorted({400, 401, 403, *errors})))
        ROUTES.append(route)

        def view(**params):
            return _call(route, handler, params)

        view.permission = permission
        api.add_url_rule(path, handler.__name__, view, methods=[method])
        return handler

    return decorate


def get_or_404(db, model: type, ident, what: str):
    """The row of `model` with this key (within the reader's area), or a 404."""
    row = db.get(model, ident)
    if row is None:
        raise ApiError(404, "not_found", f"no such {what}")
    return row


def _call(route: Route, handler, params: dict):
    if any(isinstance(value, int) and value > MAX_INT for value in params.values()):
        raise ApiError(404, "not_found", "no such item")
    call = Call(g.token)
    try:
        if route.query:
            call.query = parse(route.query, request.args.to_dict(), from_text=True)
    except Invalid as error:
        raise ApiError(400, "bad_query", str(error)) from None
    if route.body:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_json", "the body must be a JSON object")
        try:
            call.body = parse(route.body, data)
        except Invalid as error:
            raise ApiError(422, "invalid", str(error)) from None
    result = handler(call, **params)
    reply = result if isinstance(result, Reply) else Reply(route.status, result)
    if reply.body is None:
        return "", reply.status
    return jsonify(dump(reply.body)), reply.status


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@api.before_request
def check_token():
    view = current_app.view_functions.get(request.endpoint or "")
    permission = getattr(view, "permission", None)
    if permission == "public":
        return None
    token = _bearer()
    services = current_app.extensions["mashwara"]
    row = None
    if token:
        with services.database.read() as db:
            row = verify_token(db, token)
            # A token sees what the account that made it sees (its area included).
            scope.enter(db.get(User, row.created_by) if row and row.created_by else None)
    if row is None:
        raise ApiError(401, "unauthorized", "a valid bearer token is needed")
    if row.last_used_at is None or row.last_used_at < now() - USE_PRECISION:
        with services.database.write() as db:
            note_use(db, row.id)
    g.token = row
    if permission is None or not can(row, permission):
        raise ApiError(403, "forbidden", "this token's role may not do this")
    return None


def error_response(error: ApiError):
    response = jsonify(dump(ErrorBody(Error(error.code, error.message))))
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mashwara"'
    return response
