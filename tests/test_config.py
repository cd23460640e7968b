import os
import stat

import pytest
from cryptography.fernet import Fernet

from bot.core import config


def test_defaults_generate_keys_into_the_instance_folder(tmp_path):
    settings = config.load({"MASHWARA_INSTANCE_DIR": str(tmp_path)})
    key_file = tmp_path / "encryption_key"
    assert settings.encryption_keys == (key_file.read_text().strip(),)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert settings.database_url == f"sqlite:///{(tmp_path / 'mashwara.db').resolve()}"
    assert config.load({"MASHWARA_INSTANCE_DIR": str(tmp_path)}) == settings  # stable


def test_several_encryption_keys_newest_first(tmp_path):
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    settings = config.load({"MASHWARA_INSTANCE_DIR": str(tmp_path),
                            "MASHWARA_ENCRYPTION_KEY": " , ".join(keys)})
    assert settings.encryption_keys == tuple(keys)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MASHWARA_DEFAULT_LANGUAGE", "de", "MASHWARA_DEFAULT_LANGUAGE must be one of"),
        ("MASHWARA_ENCRYPTION_KEY", "not-a-key", "MASHWARA_ENCRYPTION_KEY must be Fernet keys"),
        ("MASHWARA_SESSION_TIMEOUT_MINUTES", "soon", "must be a whole number"),
        ("MASHWARA_SMS_RATE", "0", "sending rates must be above zero"),
        ("MASHWARA_PUBLIC_URL", "bot.example.org", "must start with https://"),
    ],
)
def test_a_wrong_value_is_named(tmp_path, variable, value, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load({"MASHWARA_INSTANCE_DIR": str(tmp_path), variable: value})


def test_env_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("MASHWARA_ORG_NAME=Shura Network\nMASHWARA_DEFAULT_LANGUAGE=fa\n")
    monkeypatch.setenv("MASHWARA_DEFAULT_LANGUAGE", "ps")
    monkeypatch.setenv("MASHWARA_INSTANCE_DIR", str(tmp_path))
    settings = config.load(env_file=env_file)
    assert (settings.org_name, settings.default_language) == ("Shura Network", "ps")


def test_every_variable_names_a_setting():
    from dataclasses import fields

    names = {f.name for f in fields(config.Settings)}
    assert {name for name, _ in config._VARIABLES.values()} <= names
