import pytest
from sqlalchemy import select, update

from bot.broadcasts.fanout import fan_out
from bot.core.clock import now
from bot.store import Contact, Group, GroupMember, Identity, Priority, Status
from bot.text import segments
from tests.broadcasting import TEXTS, fire, outbox, schedule
from tests.builders import make_contact


def test_each_recipient_gets_one_row_in_their_language(services):
    english, _, _ = make_contact(services, lang="en")
    dari, _, _ = make_contact(services, lang="fa", channel="sms")
    pashto, _, _ = make_contact(services, lang="ps", channel="sms")
    schedule(services)
    (run_id,) = fire(services)
    rows = {m.contact_id: m for m in outbox(services, run_id)}
    assert set(rows) == {english, dari, pashto}
    assert rows[english].text == TEXTS["en"] and rows[english].language == "en"
    assert rows[dari].text == TEXTS["fa"] and rows[dari].language == "fa"
    assert rows[pashto].text == TEXTS["en"]  # no Pashto text: the default's
    assert rows[dari].segments == segments.count(TEXTS["fa"]).segments
    assert rows[english].segments is None  # not SMS
    assert {m.priority for m in rows.values()} == {Priority.BULK}
    assert {m.status for m in rows.values()} == {Status.QUEUED}


def test_stop_blocks_broadcasts(services):
    stays, _, _ = make_contact(services)
    stopped, _, _ = make_contact(services)
    blocked, blocked_identity, _ = make_contact(services)
    unregistered, _, _ = make_contact(services, registered=False)
    with services.database.write() as db:
        db.get(Contact, stopped).stopped_at = now()
        db.get(Identity, blocked_identity).stopped_at = now()
    schedule(services)
    fire(services)
    assert [m.contact_id for m in outbox(services)] == [stays]
    assert unregistered not in [m.contact_id for m in outbox(services)]


def test_one_identity_per_contact_preferring_their_channel(services):
    contact_id, sim_identity, _ = make_contact(services)
    with services.database.write() as db:
        db.add(Identity(contact_id=contact_id, channel="telegram", address="12345",
                        address_index="tg-12345", last_seen_at=now()))
        db.get(Contact, contact_id).preferred_channel = "sim"
    schedule(services)
    fire(services)
    (row,) = outbox(services)
    assert row.identity_id == sim_identity


def _group(services, name, members):
    with services.database.write() as db:
        group = Group(name=name)
        db.add(group)
        db.flush()
        db.add_all(GroupMember(group_id=group.id, contact_id=m) for m in members)
        return group.id


@pytest.mark.parametrize(("audience", "expected"), [
    ({"provinces": ["herat"]}, {"herat_shura", "herat_member"}),
    ({"roles": ["shura"]}, {"herat_shura", "kabul_shura"}),
    ({"languages": ["fa"]}, {"kabul_shura"}),
    ({"channels": ["sms"]}, {"herat_member"}),
    ({"groups": ["women"]}, {"herat_member", "kabul_shura"}),
    ({"roles": ["shura"], "exclude": {"provinces": ["herat"]}}, {"kabul_shura"}),
    ({"exclude": {"groups": ["women"], "channels": ["sms"]}}, {"herat_shura"}),
])
def test_audience_filters_and_exclusions(services, audience, expected):
    people = {
        "herat_shura": make_contact(services, province="herat", role="shura")[0],
        "herat_member": make_contact(services, province="herat", channel="sms")[0],
        "kabul_shura": make_contact(services, lang="fa", role="shura")[0],
    }
    women = _group(services, "women", [people["herat_member"], people["kabul_shura"]])
    for where in (audience, audience.get("exclude", {})):
        if "groups" in where:
            where["groups"] = [women]
    schedule(services, audience=audience)
    fire(services)
    names = {v: k for k, v in people.items()}
    assert {names[m.contact_id] for m in outbox(services)} == expected


def test_fan_out_cut_short_resumes_with_no_duplicate_and_no_loss(services):
    contacts = [make_contact(services)[0] for _ in range(9)]
    broadcast_id = schedule(services)

    class WorkerKilled(Exception):
        pass

    def die_after_two_chunks(done, total):
        if done >= 4:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        fire(services, broadcast_id, chunk=2, progress=die_after_two_chunks)
    assert len(outbox(services)) == 4
    ((run_id, _),) = _runs(services)
    assert fan_out(services.database, run_id, default_language="en", channels=("sim",),
                   now=now, chunk=2) == 5
    assert fan_out(services.database, run_id, default_language="en", channels=("sim",),
                   now=now, chunk=2) == 0
    assert sorted(m.contact_id for m in outbox(services)) == sorted(contacts)


def test_a_chunk_run_twice_adds_nobody_twice(services):
    for _ in range(3):
        make_contact(services)
    schedule(services)
    (run_id,) = fire(services)
    from bot.store import BroadcastRun

    with services.database.write() as db:  # as if the cursor had not been saved
        db.execute(update(BroadcastRun).values(cursor=0, fanned_out_at=None,
                                               status="fanning_out"))
    assert fan_out(services.database, run_id, default_language="en", channels=("sim",),
                   now=now) == 0
    assert len(outbox(services)) == 3


def _runs(services):
    from bot.store import BroadcastRun

    with services.database.read() as db:
        return db.execute(select(BroadcastRun.id, BroadcastRun.status)).all()
