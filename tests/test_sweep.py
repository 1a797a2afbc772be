"""The sweep at scale: every due take in one sweep through a bounded pool, each provider within
its limit of requests in flight; coalesced kicks; a sweep when a cluster starts; store leases
that a heartbeat renews, so a dead worker's take is due again within a minute."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_q.models import OrmQ

from generation import queue, tasks
from generation.jobs import storing, sweeping
from generation.models import Render, RenderStatus
from generation.providers import get_provider

S = RenderStatus


def _due_takes(shot, n, status=S.IN_PROGRESS, provider="animatic"):
    now = timezone.now()
    return [
        Render.objects.create(
            shot=shot, take=i, model_key="animatic", provider=provider, size="1280x720",
            seconds=4, prompt_text="x", status=status, next_poll_at=now - timedelta(seconds=1),
            provider_job_id=f"job-{i}",
        )
        for i in range(1, n + 1)
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_one_sweep_handles_every_due_take_within_the_providers_limit(shot, settings, monkeypatch):
    settings.STUDIO_SWEEP_THREADS = 16
    takes = _due_takes(shot, 40)
    limit = get_provider("animatic").concurrency
    in_flight, peak, handled = [0], [0], []
    lock = threading.Lock()

    def slow_poll(pk):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
            handled.append(pk)

    monkeypatch.setitem(sweeping.HANDLERS, S.IN_PROGRESS, slow_poll)
    assert sweeping.sweep_once() == 40  # all of them, not `limit` per pass
    assert sorted(handled) == sorted(t.pk for t in takes)
    assert 1 < peak[0] <= limit  # in parallel, never past the provider's limit


def test_a_sweep_handles_each_take_once_even_when_it_falls_due_again(shot, monkeypatch):
    (take,) = _due_takes(shot, 1)
    calls = []

    def poll_again_at_once(pk):
        calls.append(pk)
        Render.objects.filter(pk=pk).update(next_poll_at=timezone.now())

    monkeypatch.setitem(sweeping.HANDLERS, S.IN_PROGRESS, poll_again_at_once)
    assert sweeping.sweep_once(now=timezone.now() + timedelta(minutes=10)) == 1
    assert calls == [take.pk]


@pytest.fixture
def real_queue(settings, monkeypatch):
    """The ORM broker as the cluster would use it (not run inline)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    cache.delete(queue.PENDING_KEY)
    cache.delete(queue.CHAIN_KEY)
    yield
    cache.delete(queue.PENDING_KEY)


def test_many_kicks_make_one_pending_sweep(db, real_queue):
    for _ in range(300):
        queue.kick_sweep()
    assert OrmQ.objects.count() == 1
    # Once it runs, the next kick may queue another.
    cache.delete(queue.PENDING_KEY)
    queue.kick_sweep()
    assert OrmQ.objects.count() == 2


def test_a_starting_cluster_sweeps_at_once(db, real_queue):
    from django_q.signals import post_spawn

    post_spawn.send(sender="django_q", proc_name="Worker-1")
    post_spawn.send(sender="django_q", proc_name="Worker-2")
    assert OrmQ.objects.count() == 1  # both workers' kicks coalesce


def test_a_sweep_link_clears_its_pending_mark(db, real_queue, monkeypatch):
    queue.kick_sweep()
    assert cache.get(queue.PENDING_KEY)
    monkeypatch.setattr(queue, "async_task", lambda *a, **k: None)  # the link's successor
    tasks.sweep_loop(seconds=0)
    assert cache.get(queue.CHAIN_KEY) is None


def test_a_dead_store_is_due_again_within_a_minute(shot, monkeypatch):
    (take,) = _due_takes(shot, 1, status=S.STORING)

    def killed(render):
        raise SystemExit("the worker was killed mid-store")

    monkeypatch.setattr(storing, "_store", killed)
    with pytest.raises(SystemExit):
        storing.store(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING
    assert take.lease_until - timezone.now() <= timedelta(seconds=45)
    assert take.next_poll_at <= take.lease_until  # the sweep looks again when the lease ends
    handled = []
    monkeypatch.setattr(storing, "_store", lambda render: handled.append(render.pk))
    storing.store(take.pk)  # still leased: another worker would be storing it
    assert handled == []
    Render.objects.filter(pk=take.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    storing.store(take.pk)
    assert handled == [take.pk]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_store_works(shot, monkeypatch):
    (take,) = _due_takes(shot, 1, status=S.STORING)
    monkeypatch.setattr(storing, "HEARTBEAT", 0.05)
    seen = []

    def working(render):
        first = Render.objects.get(pk=render.pk).lease_until
        time.sleep(0.4)
        seen.extend([first, Render.objects.get(pk=render.pk).lease_until])

    monkeypatch.setattr(storing, "_store", working)
    storing.store(take.pk)
    first, later = seen
    assert later > first
