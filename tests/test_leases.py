import datetime as dt

import pytest
import time_machine

from bot.core.clock import now
from bot.pipeline import leases

TTL = dt.timedelta(seconds=30)


def test_one_holder_at_a_time(services):
    assert leases.acquire(services.database, "scheduler", "a", TTL)
    assert not leases.acquire(services.database, "scheduler", "b", TTL)
    assert leases.acquire(services.database, "scheduler", "a", TTL)  # renewal


def test_a_dead_holders_lease_runs_out(services):
    assert leases.acquire(services.database, "scheduler", "a", TTL)
    with time_machine.travel(now() + dt.timedelta(seconds=31), tick=False):
        assert leases.acquire(services.database, "scheduler", "b", TTL)
        assert not leases.acquire(services.database, "scheduler", "a", TTL)


def test_release_hands_over_at_once(services):
    leases.acquire(services.database, "scheduler", "a", TTL)
    leases.release(services.database, "scheduler", "a")
    assert leases.acquire(services.database, "scheduler", "b", TTL)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tenure(services, holder, clock):
    return leases.Tenure(services.database, "send:sms", holder, dt.timedelta(seconds=4),
                         settle=1.04, margin=1.0, clock=clock)


def test_a_new_holder_waits_a_window_and_the_old_one_stops_before_its_lease_ends(services):
    clock = Clock()
    old, new = tenure(services, "a", clock), tenure(services, "b", clock)
    assert old.renew() and not old.active()  # the window of whoever held it before
    clock.now += 1.04
    assert old.active()
    assert not new.renew() and not new.held
    clock.now += 1.95  # 2.99 s after the take: one second before the lease runs out
    assert old.active()
    clock.now += 0.02
    assert not old.active()  # the old holder, stalled, starts nothing more
    with time_machine.travel(now() + dt.timedelta(seconds=4.1), tick=False):
        assert new.renew() and not new.active()
        clock.now += 1.0
        assert not new.active()
        clock.now += 0.05
        assert new.active()


def test_work_of_a_lapsed_term_does_not_go_on_after_the_lease_is_taken_again(services):
    clock = Clock()
    holder = tenure(services, "a", clock)
    holder.renew()
    clock.now += 1.1
    term = holder.term
    assert holder.active(term)
    clock.now += 5  # renewals were late: the lease may have been someone else's
    with time_machine.travel(now() + dt.timedelta(seconds=5), tick=False):
        assert holder.renew()  # a new term, after a new window
    clock.now += 1.1
    assert holder.active() and not holder.active(term)


def test_renewing_in_time_keeps_the_term(services):
    clock = Clock()
    holder = tenure(services, "a", clock)
    holder.renew()
    clock.now += 1.1
    assert not holder.renew()
    assert holder.active(1) and holder.until == pytest.approx(clock.now + 3.0)
