from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.contacts.lookup import find_identity
from bot.core import crypto
from tests.builders import make_contact


def test_names_and_numbers_are_not_stored_in_clear(services):
    make_contact(services, address="+93701234567", name="Zarghuna")
    with services.database.read() as db:
        rows = db.execute(text("SELECT * FROM contacts")).all()
        rows += db.execute(text("SELECT * FROM identities")).all()
    dump = repr(rows)
    assert "Zarghuna" not in dump
    assert "701234567" not in dump


def test_lookup_by_number_survives_a_key_rotation(services, settings):
    make_contact(services, address="+93701234568")
    old = settings.encryption_keys[0]
    crypto.configure((Fernet.generate_key().decode(), old))
    try:
        with services.database.read() as db:
            identity = find_identity(db, "sim", "+93701234568")
            assert identity is not None and identity.address == "+93701234568"
    finally:
        crypto.configure(settings.encryption_keys)


def test_rotate_reencrypts_under_the_new_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = crypto.Keyring((old,)).encrypt("secret")
    rotated = crypto.Keyring((new, old)).rotate(token)
    assert crypto.Keyring((new,)).decrypt(rotated) == "secret"
