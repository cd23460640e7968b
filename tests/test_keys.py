from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.contacts.lookup import find_identity
from bot.core import crypto
from bot.store import Contact
from bot.store.keys import rotate, targets
from tests.builders import chat, make_contact


def test_every_encrypted_column_is_found():
    found = {t.table.name: set(t.columns) for t in targets()}
    assert found["contacts"] == {"name", "district"}
    assert found["identities"] == {"address"}
    assert found["messages"] == {"text"}


def test_rotation_moves_everything_to_the_new_key_and_can_run_again(services, settings):
    contact_id, _, address = make_contact(services, name="Zarghuna")
    chat(services, address=address).say("help")
    old, new = settings.encryption_keys[0], Fernet.generate_key().decode()
    crypto.configure((new, old))
    try:
        assert rotate(services.database) > 0
        assert rotate(services.database) == 0  # resumable: nothing left to do
        crypto.configure((new,))  # the old key is gone
        with services.database.read() as db:
            assert db.get(Contact, contact_id).name == "Zarghuna"
            assert find_identity(db, "sim", address).contact_id == contact_id
            texts = db.execute(text("SELECT text FROM messages")).scalars().all()
        assert all(Fernet(new).decrypt(t.encode()) for t in texts if t)
    finally:
        crypto.configure(settings.encryption_keys)
