from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.contacts.lookup import find_identity
from bot.core import crypto
from bot.store import Base, Contact
from bot.store.keys import rotate, targets
from tests.builders import chat, inbound, make_contact, web_app
from tests.community import NAMED, person, say_all
from tests.dashboard_builders import signed_in

LOCATION = ({"type": "location", "latitude": 34.52, "longitude": 69.18},)


def test_every_encrypted_column_is_found():
    found = {t.table.name: set(t.columns) for t in targets()}
    assert found["contacts"] == {"name", "district"}
    assert found["identities"] == {"address"}
    assert found["messages"] == {"text", "attachments"}
    assert found["sessions"] == {"state"}


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


def test_a_person_writing_during_a_rotation_is_recognised(services, settings):
    """While both keys are configured, an address is looked up under each of them."""
    contact_id, _, address = make_contact(services)
    crypto.configure((Fernet.generate_key().decode(), settings.encryption_keys[0]))
    try:
        assert chat(services, address=address).say("help")
        with services.database.read() as db:
            assert db.scalars(select(Contact.id)).all() == [contact_id]
    finally:
        crypto.configure(settings.encryption_keys)


def test_after_rotation_every_value_of_every_type_needs_only_the_new_key(services, settings):
    """A value of every encrypted type: names and texts (Encrypted), a shared location
    (EncryptedJSON attachments), a report half written (EncryptedJSON session state)."""
    reporter = person(services, name="Zarghuna")
    say_all(reporter, NAMED)
    services.inbox.receive(inbound("here", channel="sim", address=reporter.address,
                                   attachments=LOCATION))
    say_all(person(services), NAMED[:6])  # a session with a report half written
    old, new = settings.encryption_keys[0], Fernet.generate_key().decode()
    crypto.configure((new, old))
    try:
        rotate(services.database)
        crypto.configure((new,))  # the old key is gone
        checked = set()
        with services.database.read() as db:
            for target in targets():
                for column in target.columns:
                    tokens = db.execute(text(
                        f'SELECT "{column}" FROM "{target.table.name}"')).scalars().all()
                    for token in filter(None, tokens):
                        Fernet(new).decrypt(token.encode())
                        checked.add((target.table.name, column))
            for table in Base.metadata.sorted_tables:
                db.execute(select(table)).all()  # every row decodes
        assert {("messages", "attachments"), ("sessions", "state"), ("reports", "description"),
                ("contacts", "name"), ("identities", "address")} <= checked
        client = signed_in(web_app(services), services, "admin")
        for page in ("/dashboard/messages/", "/dashboard/contacts/",
                     f"/dashboard/contacts/{reporter.contact_id}"):
            assert client.get(page).status_code == 200, page
    finally:
        crypto.configure(settings.encryption_keys)
