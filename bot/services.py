"""The parts of a running Mashwara, built once from the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from bot import features
from bot.channels import senders
from bot.core import crypto, migrate
from bot.core.config import Settings
from bot.core.db import Database
from bot.pipeline.dispatcher import Dispatcher
from bot.pipeline.inbox import Inbox
from bot.text import normalize, places

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings

    def __post_init__(self):
        crypto.configure(self.settings.encryption_keys)
        features.install()
        # One deployment, one country: Moroccan readers of Arabic write 0-9.
        normalize.use_country(places.load(self.settings.places).country)

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self.database, self.settings)

    @cached_property
    def dispatcher(self) -> Dispatcher:
        return Dispatcher(self.database, senders(self.settings, self.database), self.settings)

    def upgrade(self) -> None:
        migrate.upgrade(self.database)
