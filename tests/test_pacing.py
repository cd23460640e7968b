"""Token buckets, on a clock the test moves by hand."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.base import Pace
from bot.pipeline.pacing import Pacer, TokenBucket, WindowLimit, admit_all


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_sends_are_spaced_evenly_at_the_rate():
    bucket = TokenBucket(rate=4, clock=Clock())
    assert [bucket.reserve() for _ in range(5)] == [0, 0.25, 0.5, 0.75, 1.0]


def test_tokens_come_back_with_time_but_never_more_than_the_burst():
    clock = Clock()
    bucket = TokenBucket(rate=2, clock=clock)
    bucket.reserve()
    clock.now += 60
    assert bucket.reserve() == 0
    assert bucket.reserve() == 0.5  # an idle minute does not allow a burst after it


def test_a_message_of_several_segments_costs_several_tokens():
    bucket = TokenBucket(rate=1, clock=Clock())
    assert bucket.reserve(3) == 0
    assert bucket.reserve(1) == 3


def test_a_provider_asking_to_slow_down_pauses_the_bucket():
    clock = Clock()
    bucket = TokenBucket(rate=10, clock=clock)
    bucket.pause(5)
    assert bucket.reserve() == pytest.approx(5.1)


def test_one_chat_is_paced_on_its_own_and_the_channel_overall():
    pacer = Pacer(Pace(rate=1000, per_address=1))
    waits = []

    async def go():
        loop = asyncio.get_running_loop()
        for address in ("a", "b", "a"):
            start = loop.time()
            (await pacer.wait(address, 1)).on_wire()
            waits.append(loop.time() - start)

    asyncio.run(go())
    assert waits[0] < 0.5 and waits[1] < 0.5 and waits[2] >= 0.9


def test_idle_chat_buckets_are_forgotten():
    clock = Clock()
    pacer = Pacer(Pace(rate=30, per_address=1))
    pacer.addresses["a"] = TokenBucket(1, clock=clock)
    pacer.address_windows["a"] = WindowLimit(1, clock=clock)
    pacer.addresses["a"].reserve()
    pacer.address_windows["a"].admit(1)
    pacer.forget_idle()
    assert "a" in pacer.addresses
    clock.now += 2
    pacer.forget_idle()
    assert pacer.addresses == {}


def test_a_batch_is_about_two_seconds_of_sending():
    assert Pacer(Pace(rate=30)).batch_size(2.0) == 60
    assert Pacer(Pace(rate=0.2)).batch_size(2.0) == 1


def test_no_window_holds_more_than_the_cap():
    clock = Clock()
    window = WindowLimit(cap=3, window=1.0, clock=clock)
    assert [window.admit(1) for _ in range(3)] == [0, 0, 0]
    clock.now += 0.4
    assert window.admit(1) == pytest.approx(0.6)
    clock.now += 0.6
    assert window.admit(1) == 0


def test_a_send_costing_more_than_the_cap_waits_for_an_empty_window():
    clock = Clock()
    window = WindowLimit(cap=1, window=1.0, clock=clock)
    assert window.admit(1) == 0
    assert window.admit(3) == 1.0
    clock.now += 1.0
    assert window.admit(3) == 0
    assert window.admit(1) == 1.0


def test_a_chat_counts_a_send_when_it_starts_not_when_its_turn_came():
    # The chat's turn comes at once, but the channel's window is full for a second:
    # the chat's next message must still wait a second after this one really starts.
    pacer = Pacer(Pace(rate=2, per_address=1))
    starts = {}

    async def go():
        loop = asyncio.get_running_loop()
        for n, address in enumerate(("b", "c", "a", "a")):
            (await pacer.wait(address, 1)).on_wire()
            starts[n] = loop.time()

    asyncio.run(go())
    assert starts[3] - starts[2] >= 1.0


def test_a_send_not_yet_on_the_wire_counts_as_starting_now():
    clock = Clock()
    window = WindowLimit(cap=1, window=1.0, clock=clock)
    _, slow = admit_all([window], 1, pending=True)  # its new connection takes a while
    clock.now += 1.5
    assert window.admit(1) > 0  # it may reach the provider at any moment
    slow.on_wire()
    assert window.admit(1) == pytest.approx(1.0)
    clock.now += 1.0
    assert window.admit(1) == 0


def test_a_reply_goes_before_the_bulk_already_waiting_and_the_window_still_holds():
    pacer = Pacer(Pace(rate=10))
    done: dict[str, float] = {}

    async def send(name, urgent=False):
        (await pacer.wait(name, 1, urgent)).on_wire()
        done[name] = asyncio.get_running_loop().time()

    async def go():
        bulk = [asyncio.create_task(send(f"bulk{n}")) for n in range(12)]
        await asyncio.sleep(0.05)
        await send("reply", urgent=True)
        await asyncio.gather(*bulk)

    asyncio.run(go())
    assert sorted(done, key=done.get).index("reply") <= 2
    times = sorted(done.values())
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[10:], strict=False))


def test_a_chat_waiting_its_turn_keeps_its_limits_while_idle_ones_are_forgotten():
    """A loop that stalled (a busy machine) can find a chat's bucket full again while a
    send to that chat has not resumed from its wait: forgetting the chat then lost the
    send (its task failed, and the row stayed on the wire until declared stale)."""
    pacer = Pacer(Pace(rate=100.0, per_address=1.0))

    async def go():
        waiting = asyncio.create_task(pacer.wait("7001", 1))
        await asyncio.sleep(0)  # it has reserved its chat's turn and yielded
        time.sleep(1.1)  # the loop stalls: the chat's bucket is full again
        pacer.forget_idle()
        assert "7001" in pacer.addresses
        (await waiting).on_wire()

    asyncio.run(go())


def test_a_reply_takes_the_next_room_in_a_full_window_before_the_bulk_waiting_for_it():
    """When the window, not the bucket, holds the bulk back (a busy second), every
    bulk send waits for the next room: the reply must get it, not the tenth after."""
    pacer = Pacer(Pace(rate=10))
    pacer.overall = TokenBucket(1000, burst=1000)  # only the window holds them back
    admitted: list[str] = []

    async def send(name, urgent=False):
        (await pacer.wait(name, 1, urgent)).on_wire()
        admitted.append(name)

    async def go():
        bulk = [asyncio.create_task(send(f"bulk{n}")) for n in range(25)]
        await asyncio.sleep(0.5)  # ten went at once; fifteen wait for the window
        await send("reply", urgent=True)
        await asyncio.gather(*bulk)

    asyncio.run(go())
    assert admitted.index("reply") == 10
