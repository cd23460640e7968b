"""What one report (and one feedback) costs over SMS, in each language: messages in and out, and SMS
segments out (GSM-7 or UCS-2, as bot/segments counts them), for the shortest path
through the flow (menu choices on page one) and for a typical one (province on page
two of the list, as for Kabul).

    PYTHONPATH=. .venv/bin/python bench/report_cost.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

from bot.core.config import Settings
from bot.services import Services
from bot.text.segments import count
from tests.builders import chat, make_contact

FEEDBACK = {"en": "feedback", "fa": "نظر", "ps": "نظر", "ar": "رأي", "fr": "avis"}
TYPED = {
    "en": ("report", "Two men were taken from the market by armed men.", "Dand"),
    "fa": ("گزارش", "یک زن در خانه‌اش لت و کوب شد و کمک می‌خواهد.", "ده‌سبز"),
    "ps": ("راپور", "ماشومان له ښوونځي څخه ایستل شوي دي.", "ډنډ"),
    "ar": ("بلاغ", "تلقى مدافع عن حقوق الإنسان تهديدات بالقتل.", "المعلا"),
    "fr": ("signaler", "Des familles déplacées dorment dehors sans aide.", "Dand"),
}


def path(lang: str, page_two: bool, anonymous: bool) -> list[str]:
    keyword, text, district = TYPED[lang]
    province = ["#", "14"] if page_two else ["1"]
    return [keyword, "1", "1", *province, district, text, "2", "1" if anonymous else "2"]


def measure(services: Services, lang: str, answers: list[str]) -> tuple[int, int, int]:
    _, _, address = make_contact(services, lang=lang)
    sim = chat(services, lang=lang, address=address)
    out = []
    for answer in answers:
        out += sim.say(answer)
    return len(answers), len(out), sum(count(text).segments for text in out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                            encryption_keys=(Fernet.generate_key().decode(),),
                            instance_dir=Path(tmp))
        services = Services(settings)
        services.upgrade()
        print("lang  path                in  out  segments  (segments per outbound)")
        for lang in TYPED:
            for label, page_two, anonymous in (("shortest, named", False, False),
                                               ("page two, anonymous", True, True)):
                inbound, outbound, segments = measure(services, lang,
                                                      path(lang, page_two, anonymous))
                print(f"{lang:4}  {label:19} {inbound:3} {outbound:4} {segments:9}"
                      f"  ({segments / outbound:.1f})")
            inbound, outbound, segments = measure(
                services, lang, [FEEDBACK[lang], "1", TYPED[lang][1]])
            print(f"{lang:4}  {'feedback':19} {inbound:3} {outbound:4} {segments:9}"
                  f"  ({segments / outbound:.1f})")
        services.database.dispose()


if __name__ == "__main__":
    main()
