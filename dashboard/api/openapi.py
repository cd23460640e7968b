"""/api/openapi.json, generated from the route registry and the declared shapes."""

from __future__ import annotations

import dataclasses
import re

from dashboard.api.registry import ROUTES, ErrorBody, Route
from dashboard.api.schema import MAX_INT, hints, json_schema, nested, type_schema

REASONS = {
    200: "OK", 201: "Created", 204: "No content", 400: "Bad request (query or JSON)",
    401: "No valid bearer token", 403: "The token's role may not do this",
    404: "Not found", 409: "Conflict", 422: "The body does not match the schema",
}


def _ref(cls: type) -> dict:
    return {"$ref": f"#/components/schemas/{cls.__name__}"}


def _json(cls: type) -> dict:
    return {"application/json": {"schema": _ref(cls)}}


def _parameters(route: Route) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_INT} if is_int
               else {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,15}$"}}
              for name, is_int in route.path_params]
    if route.query:
        for f in dataclasses.fields(route.query):
            schema = type_schema(hints(route.query)[f.name], dict(f.metadata))
            schema.pop("nullable", None)  # absent, not null, in a query string
            if isinstance(schema.get("enum"), list):
                schema["enum"] = [v for v in schema["enum"] if v is not None]
            params.append({"name": f.name, "in": "query", "required": False, "schema": schema})
    return params


def _operation(route: Route) -> dict:
    success = {"description": REASONS.get(route.status, "OK")}
    if route.response is not None:
        success["content"] = _json(route.response)
    responses = {str(status): success for status in (route.status, *route.also)}
    # What the registry itself answers (registry._call): a bad query 400, a body that is
    # not JSON 400, a body off its schema 422; documented for every route that takes them.
    given = set(route.errors) | ({400} if route.query or route.body else set())
    given |= {422} if route.body else set()
    for status in sorted(given):
        responses[str(status)] = {"description": REASONS[status], "content": _json(ErrorBody)}
    operation = {
        "operationId": route.name, "summary": route.summary, "tags": [route.tag],
        "parameters": _parameters(route), "responses": responses,
        "security": [{"bearer": []}],
        "x-permission": route.permission,
    }
    if route.body:
        operation["requestBody"] = {"required": True, "content": _json(route.body)}
    return operation


def _schemas() -> dict:
    classes: dict[str, type] = {}
    for route in ROUTES:
        for cls in (route.body, route.response, ErrorBody):
            if cls is not None:
                nested(cls, classes)
    return {name: json_schema(cls) for name, cls in sorted(classes.items())}


def document(server_url: str = "/api") -> dict:
    paths: dict[str, dict] = {}
    for route in ROUTES:
        path = re.sub(r"<(?:int:)?(\w+)>", r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Mashwara API", "version": "1",
                 "description": "Contacts, groups and messages of a Mashwara deployment. "
                 "Every call needs `Authorization: Bearer <token>`; admins make tokens in "
                 "the dashboard. Lists are paginated: pass `next_cursor` back as `cursor`."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
