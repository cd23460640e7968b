import datetime as dt

import pytest

from bot.broadcasts.compose import final_texts
from bot.core.clock import now
from bot.text import segments
from tests.broadcasting import at, draft, preview
from tests.builders import make_contact


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(at("2026-11-23 06:00"), tick=False)


def test_preview_counts_characters_encoding_segments_and_audience(services, frozen):
    make_contact(services, lang="fa", channel="sms")
    make_contact(services, lang="fa", channel="sms")
    make_contact(services, lang="en", channel="telegram")
    made = preview(services, draft())
    fa = made.versions["fa"]
    assert (fa.encoding, fa.segments) == ("UCS-2", segments.count(fa.text).segments)
    assert made.versions["en"].encoding == "GSM-7"
    assert made.by_channel() == {"sms": (2, 2 * fa.segments), "telegram": (1, 1)}
    assert made.errors == [] and made.warnings == []


def test_the_stop_hint_is_in_the_readers_language(services):
    texts = final_texts(draft(stop_hint=True))
    assert texts["en"].endswith("STOP to stop these messages.")
    assert "توقف" in texts["fa"]


@pytest.mark.parametrize(("changes", "error"), [
    ({"texts": {"fa": "سلام"}}, "no text for the default language (en)"),
    ({"texts": {"en": "   "}}, "no text for the default language"),
    ({"send_at": at("2026-11-23 05:00")}, "in the past"),
    ({"quiet": ("22:00", "22:00")}, "whole day"),
    ({"quiet": ("late", "early")}, "21:00-07:00"),
    ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
    ({"ends_at": at("2026-11-22 00:00"), "recurrence": "daily"}, "end date is before"),
    ({"texts": {"en": "hi", "de": "hallo"}}, "'de' is not a language"),
    ({"recurrence": "weekly", "weekdays": (4,), "send_at": at("2026-11-23 07:00"),
      "ends_at": at("2026-11-25 00:00")}, "No occurrence falls"),
])
def test_bad_input_is_refused_with_a_clear_reason(services, frozen, changes, error):
    make_contact(services)
    made = preview(services, draft(**changes))
    assert any(error in e for e in made.errors), made.errors


def test_an_audience_of_nobody_is_refused(services, frozen):
    make_contact(services, province="herat")
    made = preview(services, draft(audience={"provinces": ["kabul"]}))
    assert any("audience is empty" in e for e in made.errors)


def test_a_repeat_without_end_to_many_people_is_warned_about(services, frozen):
    for _ in range(3):
        make_contact(services)
    large = preview(services, draft(recurrence="daily"))
    assert large.warnings == []  # 3 people is not large (limit 100 in these tests)
    with services.database.read() as db:
        from bot.broadcasts import compose

        made = compose.preview(db, draft(recurrence="daily"), default_language="en",
                               channels=("sim",), now=now(), large_audience=2)
    assert any("no end date to 3 people" in w for w in made.warnings)


def test_people_whose_language_has_no_text_are_named(services, frozen):
    make_contact(services, lang="ps")
    made = preview(services, draft())
    assert made.warnings == ["No ps text: 1 recipient(s) reading ps will get the en text instead."]


def test_a_send_time_inside_quiet_hours_is_pointed_out(services, frozen):
    make_contact(services)
    late = at("2026-11-23 18:00")  # 22:30 in Kabul
    made = preview(services, draft(send_at=late, quiet=("21:00", "07:00")))
    assert any("quiet hours" in w for w in made.warnings)
    assert now() < late < now() + dt.timedelta(days=1)


def test_people_only_on_an_unconfigured_channel_are_counted_as_unreachable(services, frozen):
    make_contact(services, channel="sim")
    make_contact(services, channel="sms")
    made = preview(services, draft(), channels=("sim",))
    assert made.total == 1
    assert made.warnings == ["1 matching recipient(s) can only be reached on a channel not"
                             " configured here: they will get nothing."]


def test_quiet_hours_setting_is_checked_at_start(tmp_path):
    from bot.core import config

    base = {"MASHWARA_INSTANCE_DIR": str(tmp_path)}
    with pytest.raises(config.ConfigError, match="MASHWARA_BROADCAST_QUIET_HOURS"):
        config.load({**base, "MASHWARA_BROADCAST_QUIET_HOURS": "9pm-7am"})
    assert config.load({**base, "MASHWARA_BROADCAST_QUIET_HOURS": ""}).broadcast_quiet_hours == ""
    loaded = config.load({**base, "MASHWARA_BROADCAST_CONFIRM_ABOVE": "5000"})
    assert loaded.broadcast_confirm_above == 5000
