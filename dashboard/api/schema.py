"""Declared shapes for the API: dataclasses whose fields carry their constraints in
`field(metadata=...)`. The same declaration validates input (`parse`), writes output
(`dump`) and becomes the JSON Schema in /api/openapi.json (`json_schema`), so the
document says what the code does.

Supported field types: str, int, bool, datetime, a nested dataclass (in and out),
list[...] of those, and `X | None`. Metadata keys: description, max_length, min_length, enum,
minimum, maximum, format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from functools import cache
from typing import Any

MAX_INT = 2**31 - 1


class Invalid(ValueError):
    """Input that does not match its declaration; the message names the field."""


def spec(default: Any = dataclasses.MISSING, **metadata) -> Any:
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@cache
def hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap(tp) -> tuple[Any, bool]:
    """(the type inside `X | None`, whether None is allowed)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(tp))
    return tp, False


def _required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


# -- JSON Schema --------------------------------------------------------------------

def type_schema(tp, meta: dict | None = None) -> dict:
    meta = meta or {}
    tp, nullable = _unwrap(tp)
    if dataclasses.is_dataclass(tp):
        out = {"$ref": f"#/components/schemas/{tp.__name__}"}
        return {"allOf": [out], "nullable": True} if nullable else out
    if typing.get_origin(tp) is list:
        out = {"type": "array", "items": type_schema(typing.get_args(tp)[0])}
    elif tp is bool:
        out = {"type": "boolean"}
    elif tp is int:
        out = {"type": "integer", "minimum": meta.get("minimum", -MAX_INT - 1),
               "maximum": meta.get("maximum", MAX_INT)}
    elif tp is dt.datetime:
        out = {"type": "string", "format": "date-time"}
    elif tp is str:
        out = {"type": "string"}
        for key, name in (("max_length", "maxLength"), ("min_length", "minLength"),
                          ("format", "format")):
            if key in meta:
                out[name] = meta[key]
    else:
        raise TypeError(f"unsupported type in an API schema: {tp!r}")
    if "enum" in meta:
        out["enum"] = list(meta["enum"]) + ([None] if nullable else [])
    if "description" in meta:
        out["description"] = meta["description"]
    if nullable:
        out["nullable"] = True
    return out


def json_schema(cls) -> dict:
    properties = {f.name: type_schema(hints(cls)[f.name], dict(f.metadata))
                  for f in dataclasses.fields(cls)}
    required = [f.name for f in dataclasses.fields(cls) if _required(f)]
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        out["description"] = " ".join(cls.__doc__.split())
    return out


def nested(cls, seen: dict | None = None) -> dict[str, type]:
    """`cls` and every dataclass it refers to, by name."""
    seen = {} if seen is None else seen
    seen[cls.__name__] = cls
    for tp in hints(cls).values():
        tp, _ = _unwrap(tp)
        while typing.get_origin(tp) is list:
            tp, _ = _unwrap(typing.get_args(tp)[0])
        if dataclasses.is_dataclass(tp) and tp.__name__ not in seen:
            nested(tp, seen)
    return seen


# -- input --------------------------------------------------------------------------

def _value(name: str, tp, meta: dict, raw: Any, from_text: bool) -> Any:
    tp, nullable = _unwrap(tp)
    if raw is None:
        if nullable:
            return None
        raise Invalid(f"{name} may not be null")
    if tp is int:
        if from_text and isinstance(raw, str) and raw.lstrip("-").isdigit() and len(raw) < 12:
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise Invalid(f"{name} must be a whole number")
        if not meta.get("minimum", -MAX_INT - 1) <= raw <= meta.get("maximum", MAX_INT):
            raise Invalid(f"{name} is out of range")
        return raw
    if tp is bool:
        if from_text and raw in ("true", "false"):
            return raw == "true"
        if not isinstance(raw, bool):
            raise Invalid(f"{name} must be true or false")
        return raw
    if tp is str:
        return _text(name, meta, raw)
    if dataclasses.is_dataclass(tp):
        if not isinstance(raw, dict):
            raise Invalid(f"{name} must be an object")
        return parse(tp, raw)
    if typing.get_origin(tp) is list:
        if not isinstance(raw, list) or len(raw) > meta.get("max_items", 100):
            raise Invalid(f"{name} must be a list of at most {meta.get('max_items', 100)}")
        item = typing.get_args(tp)[0]
        return [_value(f"{name}[]", item, {}, value, False) for value in raw]
    raise Invalid(f"{name} cannot be given")


def _text(name: str, meta: dict, raw: Any) -> str:
    if not isinstance(raw, str):
        raise Invalid(f"{name} must be text")
    if "\x00" in raw:
        raise Invalid(f"{name} may not contain NUL characters")
    if len(raw) > meta.get("max_length", 10_000) or len(raw) < meta.get("min_length", 0):
        raise Invalid(f"{name} has the wrong length")
    if "enum" in meta and raw not in meta["enum"]:
        raise Invalid(f"{name} must be one of {', '.join(meta['enum'])}")
    return raw


def parse(cls, data: Any, from_text: bool = False):
    """An instance of `cls` from a JSON object (or query string values, `from_text`)."""
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise Invalid(f"unknown field {unknown[0]}")
    values = {}
    for name, f in known.items():
        if name in data:
            values[name] = _value(name, hints(cls)[name], dict(f.metadata), data[name], from_text)
        elif _required(f):
            raise Invalid(f"{name} is required")
    return cls(**values)


# -- output -------------------------------------------------------------------------

def dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value
