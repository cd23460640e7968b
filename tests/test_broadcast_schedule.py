import datetime as dt
from itertools import islice

from bot.broadcasts.schedule import next_fire, occurrences, quiet_until
from bot.store import Broadcast
from tests.broadcasting import at


def broadcast(send_at, zone="Asia/Kabul", **fields):
    return Broadcast(send_at=at(send_at), timezone=zone, recurrence=fields.pop("recurrence",
                     "none"), **fields)


def test_a_one_off_fires_once():
    assert list(occurrences(broadcast("2026-11-24 04:30"))) == [at("2026-11-24 04:30")]


def test_weekly_on_given_days_until_the_end_date():
    # Monday 2026-11-23 09:00 in Kabul (UTC+4:30), on Mondays and Thursdays
    weekly = broadcast("2026-11-23 04:30", recurrence="weekly", weekdays=[0, 3],
                       ends_at=at("2026-12-03 19:29"))
    assert list(occurrences(weekly)) == [at("2026-11-23 04:30"), at("2026-11-26 04:30"),
                                         at("2026-11-30 04:30"), at("2026-12-03 04:30")]


def test_daily_keeps_the_local_hour_across_daylight_saving():
    # 09:00 in Paris: 08:00 UTC in summer time, 09:00 UTC after 25 October 2026
    daily = broadcast("2026-10-24 07:00", zone="Europe/Paris", recurrence="daily")
    assert list(islice(occurrences(daily), 3)) == [
        at("2026-10-24 07:00"), at("2026-10-25 08:00"), at("2026-10-26 08:00")]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    monthly = broadcast("2027-01-31 04:30", recurrence="monthly")
    assert [o.date() for o in islice(occurrences(monthly), 4)] == [
        dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]


def test_missed_occurrences_are_skipped_not_sent_in_a_burst():
    daily = broadcast("2026-11-01 04:30", recurrence="daily")
    assert next_fire(daily, at("2026-11-10 12:00")) == at("2026-11-11 04:30")
    assert next_fire(broadcast("2026-11-01 04:30"), at("2026-11-10 12:00")) is None


def test_quiet_hours_across_midnight_wait_until_morning():
    quiet = broadcast("2026-11-24 04:30", quiet_start="21:00", quiet_end="07:00")
    seven_tomorrow = at("2026-11-25 02:30")  # 07:00 in Kabul
    assert quiet_until(quiet, at("2026-11-24 17:45")) == seven_tomorrow  # 22:15 local
    assert quiet_until(quiet, at("2026-11-25 00:30")) == seven_tomorrow  # 05:00 local
    assert quiet_until(quiet, at("2026-11-24 08:00")) is None  # 12:30 local
    assert quiet_until(quiet, at("2026-11-25 02:30")) is None  # 07:00: may send


def test_quiet_hours_within_a_day():
    siesta = broadcast("2026-11-24 04:30", quiet_start="13:00", quiet_end="15:00")
    assert quiet_until(siesta, at("2026-11-24 09:00")) == at("2026-11-24 10:30")
    assert quiet_until(siesta, at("2026-11-24 11:00")) is None
    assert quiet_until(broadcast("2026-11-24 04:30"), at("2026-11-24 20:00")) is None
