"""A refusal a person is shown: named by a message id, so each reader gets it in their
language (locales/*/errors.po), while str() stays English for logs, the command line
and the API."""

from __future__ import annotations

from collections.abc import Callable

from locales import Translator


class Refusal(ValueError):
    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params
        super().__init__(Translator("en")(msgid, **params))

    def text(self, t: Callable[..., str]) -> str:
        """In the words of translator `t` (the dashboard's gettext, a Translator)."""
        return t(self.msgid, **self.params)
