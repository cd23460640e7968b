"""/api/v1/channels: the SMS channels of the table (admins): their state and queues, adding
one (its inbound URLs come back once, to set the gateway up), a test message, a new pace
or prefixes, enabling, disabling and removing. Every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from bot.audit import trail as audit
from bot.channels import table
from bot.contacts.imports import RowError, normal_phone
from bot.core.clock import now
from bot.pipeline.trial import send_test
from bot.text import places
from dashboard.api.community import token_actor
from dashboard.api.registry import ApiError, Call, Reply, endpoint
from dashboard.api.schema import spec

KINDS = ("kannel", "smsgate")


@dataclass
class ChannelOut:
    name: str
    kind: str = spec(enum=KINDS)
    enabled: bool = spec()
    state: str = spec(enum=("up", "down"))
    per_minute: int = spec(description="its cap: SMS segments a minute")
    prefixes: list[str] = spec()
    last_in_at: dt.datetime | None = spec()
    last_out_at: dt.datetime | None = spec()
    queued: int = spec(description="messages waiting to leave through it")


@dataclass
class ChannelList:
    items: list[ChannelOut]


@dataclass
class ChannelSetup:
    channel: ChannelOut
    inbound_urls: list[str] = spec(description="where the gateway sends (secret: the long "
                                   "part is the channel's key); empty without a public URL")
    kannel_group: str | None = spec(description="kannel: the sms-service group for kannel.conf")
    signing_key: str | None = spec(description="smsgate: the app's webhook signing key")


@dataclass
class ChannelIn:
    kind: str = spec(enum=KINDS)
    name: str = spec(min_length=1, max_length=16)
    url: str = spec(min_length=8, max_length=500, description="where Mashwara sends")
    username: str | None = spec(None, max_length=200)
    password: str | None = spec(None, max_length=200, description="kept encrypted")
    sender: str | None = spec(None, max_length=32, description="sender number or id")
    per_minute: int = spec(60, minimum=1, maximum=60000)
    prefixes: list[str] = spec([], description="+9379, or an operator: af:roshan")
    signing_key: str | None = spec(None, max_length=200)


@dataclass
class ChannelChange:
    enabled: bool | None = spec(None)
    per_minute: int | None = spec(None, minimum=1, maximum=60000)
    prefixes: list[str] | None = spec(None, description="empty: all numbers")


@dataclass
class TestIn:
    phone: str = spec(min_length=3, max_length=32)


@dataclass
class TestOut:
    message_id: int
    sent: bool
    status: str
    error: str | None


def _services():
    return current_app.extensions["mashwara"]


def _out(name: str) -> ChannelOut:
    for c in table.overview(_services().database):
        if c.name == name:
            return ChannelOut(c.name, c.kind, c.enabled, c.state, round(c.rate * 60),
                              list(c.prefixes), c.last_in_at, c.last_out_at, c.queued)
    raise ApiError(404, "not_found", "no such channel")


def _config(name: str) -> table.ChannelConfig:
    try:
        return table.get(_services().database, name)
    except table.ChannelError:
        raise ApiError(404, "not_found", "no such channel") from None


def _invalid(error: table.ChannelError) -> ApiError:
    if "already" in str(error):
        return ApiError(409, "exists", str(error))
    return ApiError(422, "invalid", f"{error.field}: {error}")


def _audit(call: Call, action: str, name: str, details: dict | None = None) -> None:
    with _services().database.write() as db:
        audit.record(db, token_actor(call), action, "channel", name, details)


@endpoint("GET", "/v1/channels", permission="channels.manage", tag="channels",
          summary="SMS channels: state, last message in and out, queue", response=ChannelList)
def list_channels(call: Call):
    return ChannelList([_out(c.name) for c in table.overview(_services().database)])


@endpoint("POST", "/v1/channels", permission="channels.manage", tag="channels",
          summary="Add an SMS channel; its inbound URLs come back to set the gateway up",
          body=ChannelIn, response=ChannelSetup, status=201, errors=(409, 422))
def add_channel(call: Call):
    body: ChannelIn = call.body
    try:
        config = table.add(_services().database, body.kind, body.name, body.url,
                           username=body.username, password=body.password, sender=body.sender,
                           rate=body.per_minute / 60, prefixes=tuple(body.prefixes),
                           signing_key=body.signing_key, at=now())
    except table.ChannelError as error:
        raise _invalid(error) from None
    _audit(call, "channel.add", config.name, {"kind": config.kind})
    return _setup(config)


def _setup(config: table.ChannelConfig) -> ChannelSetup:
    public = _services().settings.public_url
    urls = list(table.inbound_urls(config, public).values()) if public else []
    group = table.kannel_service_group(config, public) \
        if public and config.kind == "kannel" else None
    return ChannelSetup(_out(config.name), urls, group, config.signing_key)


@endpoint("GET", "/v1/channels/<name>", permission="channels.manage", tag="channels",
          summary="One SMS channel and how to connect it", response=ChannelSetup,
          errors=(404,))
def get_channel(call: Call, name: str):
    return _setup(_config(name))


@endpoint("PATCH", "/v1/channels/<name>", permission="channels.manage", tag="channels",
          summary="Enable or disable a channel, or give it a new pace or prefixes",
          body=ChannelChange, response=ChannelOut, errors=(404, 422))
def change_channel(call: Call, name: str):
    body: ChannelChange = call.body
    _config(name)
    database = _services().database
    try:
        table.change(database, name,
                     rate=None if body.per_minute is None else body.per_minute / 60,
                     prefixes=None if body.prefixes is None else tuple(body.prefixes))
    except table.ChannelError as error:
        raise _invalid(error) from None
    if body.enabled is not None:
        table.set_enabled(database, name, body.enabled)
    _audit(call, "channel.change", name)
    return _out(name)


@endpoint("DELETE", "/v1/channels/<name>", permission="channels.manage", tag="channels",
          summary="Remove a channel (its people and messages stay)", status=204,
          errors=(404,))
def remove_channel(call: Call, name: str):
    _config(name)
    table.remove(_services().database, name)
    _audit(call, "channel.remove", name)
    return Reply(204)


@endpoint("POST", "/v1/channels/<name>/test", permission="channels.manage", tag="channels",
          summary="Send one test message through the channel now", body=TestIn,
          response=TestOut, errors=(404, 422))
def test_channel(call: Call, name: str):
    config = _config(name)
    services = _services()
    try:
        phone = normal_phone(call.body.phone, places.load(services.settings.places).country)
        trial = send_test(services.database, services.settings, config, phone)
    except RowError:
        raise ApiError(422, "invalid", "phone: not a phone number") from None
    except table.ChannelError as error:
        raise _invalid(error) from None
    _audit(call, "channel.test", name, {"sent": int(trial.sent), "message": trial.message_id})
    return TestOut(trial.message_id, trial.sent, trial.status, trial.error)
