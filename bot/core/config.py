"""Settings from the environment (and a `.env` file), parsed strictly at start-up.

A wrong value stops Mashwara with a message naming the variable, rather than
surfacing later as a confusing failure in the middle of a conversation.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.fernet import Fernet
from dotenv import dotenv_values

from bot.text.vocabulary import FEEDBACK_TOPICS

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fa", "ps", "ar", "fr")
_QUIET = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")


class ConfigError(ValueError):
    pass


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def _list(_name: str, raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    secret_key: str = ""
    public_url: str = ""
    encryption_keys: tuple[str, ...] = ()
    default_language: str = "en"
    org_name: str = "Mashwara"
    instance_dir: Path = Path("instance")
    session_timeout_minutes: int = 120
    places: str = "afghanistan"
    # Arabic readers see the Umm al-Qura Hijri date beside the Gregorian one.
    hijri_dates: bool = False

    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_rate: float = 30.0
    telegram_chat_rate: float = 1.0

    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_url: str = "https://api.twilio.com"
    # Segments per second for one sender: 1 for a US long code, 100 for a short code.
    sms_rate: float = 1.0

    feedback_topics: tuple[str, ...] = ("services", "security", "governance", "peace",
                                        "rights", "other")
    reports_per_hour: int = 5
    feedback_per_hour: int = 10
    # Urgent reports alert these at once: Telegram chat ids and phone numbers.
    alert_telegram_chats: tuple[str, ...] = ()
    alert_sms: tuple[str, ...] = ()
    # An anonymous report's urgent alert waits a random time up to this.
    anonymous_alert_delay_minutes: int = 10
    # Broadcasts: ask "are you sure?" above this many recipients; no SMS in these local
    # hours ("" for none), the send waits until they end.
    broadcast_confirm_above: int = 500
    broadcast_quiet_hours: str = "21:00-07:00"

    dispatch_batch: int = 100
    # Provider calls in flight at once, over all channels.
    dispatch_concurrency: int = 32
    max_attempts: int = 8
    # Inbound messages one person may send a minute before the rest wait their turn.
    inbound_per_minute: int = 20
    # Days message texts are kept; the log rows (counts) stay.
    message_retention_days: int = 90
    # Reverse proxies in front of the web server whose X-Forwarded-* headers are believed;
    # 0: none, the peer's address is the client's (forged headers change nothing).
    trusted_proxies: int = 0
    # Days a registration left before consent is kept (its number and texts).
    abandoned_days: int = 7
    # Consultation results: a count below this is shown as "fewer than N" everywhere.
    suppress_below: int = 5

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


# variable name -> (field, parser)
_VARIABLES = {
    "MASHWARA_DATABASE_URL": ("database_url", None),
    "MASHWARA_SECRET_KEY": ("secret_key", None),
    "MASHWARA_PUBLIC_URL": ("public_url", None),
    "MASHWARA_ENCRYPTION_KEY": ("encryption_keys", _list),
    "MASHWARA_DEFAULT_LANGUAGE": ("default_language", None),
    "MASHWARA_ORG_NAME": ("org_name", None),
    "MASHWARA_INSTANCE_DIR": ("instance_dir", lambda _n, raw: Path(raw)),
    "MASHWARA_SESSION_TIMEOUT_MINUTES": ("session_timeout_minutes", _int),
    "MASHWARA_PLACES": ("places", None),
    "MASHWARA_HIJRI_DATES": ("hijri_dates", _bool),
    "TELEGRAM_BOT_TOKEN": ("telegram_bot_token", None),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram_webhook_secret", None),
    "TELEGRAM_API_URL": ("telegram_api_url", None),
    "MASHWARA_TELEGRAM_RATE": ("telegram_rate", _float),
    "MASHWARA_TELEGRAM_CHAT_RATE": ("telegram_chat_rate", _float),
    "TWILIO_ACCOUNT_SID": ("twilio_account_sid", None),
    "TWILIO_AUTH_TOKEN": ("twilio_auth_token", None),
    "TWILIO_FROM": ("twilio_from", None),
    "TWILIO_API_URL": ("twilio_api_url", None),
    "MASHWARA_SMS_RATE": ("sms_rate", _float),
    "MASHWARA_FEEDBACK_TOPICS": ("feedback_topics", _list),
    "MASHWARA_REPORTS_PER_HOUR": ("reports_per_hour", _int),
    "MASHWARA_FEEDBACK_PER_HOUR": ("feedback_per_hour", _int),
    "MASHWARA_SUPPRESS_BELOW": ("suppress_below", _int),
    "MASHWARA_ALERT_TELEGRAM_CHATS": ("alert_telegram_chats", _list),
    "MASHWARA_ALERT_SMS": ("alert_sms", _list),
    "MASHWARA_ANONYMOUS_ALERT_DELAY_MINUTES": ("anonymous_alert_delay_minutes", _int),
    "MASHWARA_DISPATCH_BATCH": ("dispatch_batch", _int),
    "MASHWARA_BROADCAST_CONFIRM_ABOVE": ("broadcast_confirm_above", _int),
    "MASHWARA_BROADCAST_QUIET_HOURS": ("broadcast_quiet_hours", None),
    "MASHWARA_DISPATCH_CONCURRENCY": ("dispatch_concurrency", _int),
    "MASHWARA_MAX_ATTEMPTS": ("max_attempts", _int),
    "MASHWARA_INBOUND_PER_MINUTE": ("inbound_per_minute", _int),
    "MASHWARA_MESSAGE_RETENTION_DAYS": ("message_retention_days", _int),
    "MASHWARA_TRUSTED_PROXIES": ("trusted_proxies", _int),
    "MASHWARA_ABANDONED_DAYS": ("abandoned_days", _int),
}


def load(environ: dict[str, str] | None = None, env_file: str | Path = ".env") -> Settings:
    """Read settings from `environ` (default: os.environ over the `.env` file)."""
    if environ is None:
        file_values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
        environ = {**file_values, **os.environ}
    values = {}
    for variable, (name, parse) in _VARIABLES.items():
        if variable in environ:
            raw = environ[variable]
            values[name] = parse(variable, raw) if parse else raw.strip()
    for variable in environ:
        if variable.startswith("MASHWARA_") and variable not in _VARIABLES:
            log.warning("ignoring unknown setting %s", variable)
    settings = Settings(**values)
    _validate(settings)
    return _fill_generated(settings)


def _validate(settings: Settings) -> None:
    if settings.default_language not in LANGUAGES:
        raise ConfigError(
            f"MASHWARA_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)},"
            f" not {settings.default_language!r}"
        )
    if settings.public_url and not settings.public_url.startswith(("https://", "http://")):
        raise ConfigError("MASHWARA_PUBLIC_URL must start with https://")
    for key in settings.encryption_keys:
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError(
                "MASHWARA_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes),"
                " separated by commas; make one with `mashwara keys generate`"
            ) from None
    unknown = [t for t in settings.feedback_topics if t not in FEEDBACK_TOPICS]
    if unknown or not settings.feedback_topics:
        raise ConfigError(
            f"MASHWARA_FEEDBACK_TOPICS must name topics from {', '.join(FEEDBACK_TOPICS)};"
            f" unknown: {', '.join(unknown) or 'none given'}"
        )
    if not 0 <= settings.trusted_proxies <= 10:
        raise ConfigError("MASHWARA_TRUSTED_PROXIES must be the number of reverse proxies"
                          " in front of Mashwara, from 0 (none) to 10")
    if settings.reports_per_hour < 1 or settings.feedback_per_hour < 1:
        raise ConfigError(
            "MASHWARA_REPORTS_PER_HOUR and MASHWARA_FEEDBACK_PER_HOUR must be 1 or more"
        )
    if settings.broadcast_quiet_hours and not _QUIET.fullmatch(settings.broadcast_quiet_hours):
        raise ConfigError("MASHWARA_BROADCAST_QUIET_HOURS must look like 21:00-07:00, or be"
                          " empty for none")
    if settings.telegram_rate <= 0 or settings.sms_rate <= 0 or settings.telegram_chat_rate <= 0:
        raise ConfigError("sending rates must be above zero")
    if settings.inbound_per_minute < 1 or settings.message_retention_days < 1:
        raise ConfigError(
            "MASHWARA_INBOUND_PER_MINUTE and MASHWARA_MESSAGE_RETENTION_DAYS must be 1 or more")
    if settings.abandoned_days < 1:
        raise ConfigError("MASHWARA_ABANDONED_DAYS must be 1 or more")
    if settings.anonymous_alert_delay_minutes < 3:
        raise ConfigError("MASHWARA_ANONYMOUS_ALERT_DELAY_MINUTES must be 3 or more")
    if settings.dispatch_concurrency < 1:
        raise ConfigError("MASHWARA_DISPATCH_CONCURRENCY must be 1 or more")
    if settings.suppress_below < 1:
        raise ConfigError("MASHWARA_SUPPRESS_BELOW must be 1 or more (1 shows every count)")


def private_folder(folder: Path) -> None:
    """The instance folder, made (or tightened) to 0700: it holds keys and the store."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.getuid():
        folder.chmod(0o700)


def _instance_secret(settings: Settings, filename: str, make) -> str:
    path = settings.instance_dir / filename
    if path.exists():
        return path.read_text().strip()
    private_folder(settings.instance_dir)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def _fill_generated(settings: Settings) -> Settings:
    changes = {}
    if not settings.database_url:
        db_path = (settings.instance_dir / "mashwara.db").resolve()
        private_folder(settings.instance_dir)
        changes["database_url"] = f"sqlite:///{db_path}"
    if not settings.secret_key:
        changes["secret_key"] = _instance_secret(
            settings, "secret_key", lambda: secrets.token_urlsafe(48)
        )
    if not settings.encryption_keys:
        key_file = settings.instance_dir / "encryption_key"
        if not key_file.exists():
            log.warning(
                "MASHWARA_ENCRYPTION_KEY is unset: generated a key into %s. Back it up apart"
                " from the database; without it, encrypted data cannot be read.",
                key_file,
            )
        key = _instance_secret(settings, "encryption_key", lambda: Fernet.generate_key().decode())
        changes["encryption_keys"] = (key,)
    return replace(settings, **changes) if changes else settings
