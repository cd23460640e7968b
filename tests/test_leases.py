import datetime as dt

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
