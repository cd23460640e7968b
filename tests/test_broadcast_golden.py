"""What a recipient reads, in each language: the announcement with its STOP hint, and
the coordinator's test copy. For a native speaker to review in tests/golden/."""

import pytest

from bot.broadcasts import runner
from bot.cli.broadcasts import _text
from bot.store import Status
from tests.broadcasting import outbox, schedule
from tests.builders import make_contact
from tests.golden import check_golden

TEXTS = {
    "en": "The shura meets on Monday at 10:00 in the district office.",
    "fa": "جلسه شورا روز دوشنبه ساعت ۱۰ در دفتر ولسوالی برگزار می‌شود.",
    "ps": "د شورا غونډه د دوشنبې په ورځ د ولسوالۍ په دفتر کې ده.",
    "ar": "يجتمع المجلس يوم الاثنين الساعة العاشرة في مكتب المديرية.",
    "fr": "La choura se réunit lundi à 10 h au bureau du district.",
}


@pytest.mark.parametrize("lang", list(TEXTS))
def test_what_a_recipient_reads(services, request, lang):
    make_contact(services, lang=lang)
    schedule(services, texts=TEXTS, stop_hint=True)
    runner.tick(services)
    while services.dispatcher.run_once():
        pass
    (row,) = outbox(services)
    assert row.status == Status.SENT
    test_copy = _text({"en": "Test.", lang: "Test."}, lang, "en")
    check_golden(request, f"broadcast.{lang}", f"{row.text}\n---\n{test_copy}\n")
