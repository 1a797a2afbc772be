"""The sweep at scale: every due take in one sweep through a bounded pool, each provider within
its limit of requests in flight; the sweeper that runs it in each cluster (at once when a cluster
starts, then while it leads); a stopping cluster that claims nothing and gives back what it
holds; store leases that a heartbeat renews, so a dead worker's take is due again in 20 s."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import timedelta
from queue import Queue

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_q.models import OrmQ

from generation import liveness, queue, storage
from generation.jobs import storing, sweeper, sweeping
from generation.models import Render, RenderEvent, RenderStatus
from generation.providers import get_provider
from tests.factories import make_take
from tests.pipeline import dead_mark

S = RenderStatus


def _due_takes(shot, n, status=S.IN_PROGRESS, provider="animatic"):
    now = timezone.now()
    return [
        make_take(shot, i, status, provider=provider, stored=False, provider_job_id=f"job-{i}",
                  next_poll_at=now - timedelta(seconds=1))
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


def test_a_starting_sweeper_sweeps_at_once_then_only_while_it_leads(db, monkeypatch):
    """A starting cluster sweeps at once even while a (dead) leader's mark still lives; then it
    sweeps only as the leader, which it becomes as soon as that mark is gone; a stopping leader
    hands over at once."""
    passes, looks = [], []
    monkeypatch.setattr(sweeper, "sweep_once", lambda: passes.append(1) or 0)
    monkeypatch.setattr(sweeper, "IDLE_PAUSE", 0.01)
    cache.set(sweeper.LEAD_KEY, "a cluster killed a second ago", timeout=30)
    stop = threading.Event()
    one = sweeper.Sweeper(stop)
    leading = one.leading
    monkeypatch.setattr(one, "leading", lambda: looks.append(1) or leading())
    thread = threading.Thread(target=one.run)
    thread.start()
    try:
        _until(lambda: len(looks) >= 20)
        assert len(passes) == 1  # the pass at start, and none beside a living leader
        cache.delete(sweeper.LEAD_KEY)  # that leader's mark lapsed
        _until(lambda: len(passes) >= 3)
        assert cache.get(sweeper.LEAD_KEY) == one.me
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert cache.get(sweeper.LEAD_KEY) is None


def test_the_leaders_mark_is_renewed_while_a_pass_runs_long(db, monkeypatch):
    monkeypatch.setattr(sweeper, "RENEW_EVERY", 0.05)
    monkeypatch.setattr(sweeper, "LEAD_TTL", 1)
    stop = threading.Event()
    one = sweeper.Sweeper(stop)
    long_pass = threading.Event()

    def slow():
        long_pass.wait(3)  # longer than the mark lives unrenewed
        return 0

    monkeypatch.setattr(sweeper, "sweep_once", slow)
    thread = threading.Thread(target=one.run)
    thread.start()
    try:
        _until(lambda: cache.get(sweeper.LEAD_KEY) == one.me)
        time.sleep(1.5)  # the time a mark of 1 s would need to lapse unrenewed
        assert cache.get(sweeper.LEAD_KEY) == one.me
    finally:
        stop.set()
        long_pass.set()
        thread.join(timeout=5)


def _until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def stopping():
    """This process's cluster has been told to stop."""
    event = threading.Event()
    queue.watch_cluster_stop(event)
    yield event
    queue._cluster_stop = None


def test_a_stopping_cluster_claims_nothing(shot, stopping):
    _due_takes(shot, 3)
    stopping.set()
    assert sweeping.sweep_once(now=timezone.now()) == 0
    assert Render.objects.filter(next_poll_at__lte=timezone.now()).count() == 3  # still due


def test_a_store_gives_its_take_back_at_once_when_the_cluster_stops(shot, stopping, monkeypatch):
    (take,) = _due_takes(shot, 1, status=S.STORING)
    provider = type(get_provider("animatic"))

    @contextlib.contextmanager
    def result(self, job_id, variant):
        def chunks():
            yield b"x" * 1000
            stopping.set()  # SIGTERM mid-download
            yield b"y" * 1000
            raise AssertionError("read on after the stop")

        yield chunks()

    monkeypatch.setattr(provider, "open_result", result)
    storing.store(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING
    assert take.lease_until is None  # nobody waits for a lease
    assert take.next_poll_at <= timezone.now()  # due again at once, for whoever sweeps next
    assert not list(storage.temp_dir().glob("*.part"))


def test_temporary_files_of_dead_writers_go_at_once(db):
    folder = storage.temp_dir()
    dead = dead_mark()
    left = [
        folder / f"{dead}abc.part",  # a download killed mid-way
        folder / f"{dead}cut-xyz",  # a cut's folder
    ]
    kept = [
        folder / f"{storage.writer_mark()}live.part",  # this process is writing it
        folder / f"another-machine.1{dead[dead.index('+') :]}abc.part",  # not ours to judge
    ]
    left[0].write_bytes(b"half a video")
    left[1].mkdir()
    (left[1] / "clip.mp4").write_bytes(b"x")
    for path in kept:
        path.write_bytes(b"x")
    sweeping.reap()
    assert [p.exists() for p in left] == [False, False]
    assert [p.exists() for p in kept] == [True, True]
    for path in kept:
        path.unlink()


def test_a_send_or_a_store_whose_worker_was_killed_is_given_back_at_once(shot):
    """A kill -9 in the middle of a send or a store: the next pass reconciles the send (never
    sends it again blindly) and stores the take again, without waiting for the send's deadline
    or the store's lease; a live worker's send and store are left alone."""
    sending, storing_, alive_send, alive_store = _due_takes(shot, 4, status=S.SUBMITTING)
    dead, live = dead_mark(), liveness.mark()
    later = timezone.now() + timedelta(seconds=20)
    Render.objects.filter(pk__in=[sending.pk, alive_send.pk]).update(next_poll_at=None)
    Render.objects.filter(pk=sending.pk).update(held_by=dead)
    Render.objects.filter(pk=alive_send.pk).update(held_by=live)
    Render.objects.filter(pk__in=[storing_.pk, alive_store.pk]).update(
        status=S.STORING, lease_until=later, next_poll_at=later
    )
    Render.objects.filter(pk=storing_.pk).update(held_by=dead)
    Render.objects.filter(pk=alive_store.pk).update(held_by=live)
    sweeping.reap()
    states = dict(Render.objects.values_list("pk", "status"))
    assert states[sending.pk] == S.RECONCILING and states[alive_send.pk] == S.SUBMITTING
    reaped = Render.objects.get(pk=storing_.pk)
    assert reaped.lease_until is None and reaped.next_poll_at <= timezone.now()
    assert Render.objects.get(pk=alive_store.pk).lease_until == later
    reasons = set(
        RenderEvent.objects.filter(kind="reaped").values_list("detail__reason", flat=True)
    )
    assert reasons == {
        "its worker was killed while sending it",
        "its worker was killed while storing it",
    }


def test_a_stopping_worker_hands_back_what_it_had_not_started(db, settings, monkeypatch):
    """The ORM broker's task is unlocked for another cluster at once, not after its retry."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.signing import SignedPackage
    from django_q.tasks import async_task

    from generation.management.commands import qcluster

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    async_task("generation.tasks.store", 1, task_name="store-1")
    broker = get_broker()
    ((ack_id, package),) = broker.dequeue()
    assert broker.dequeue() is None  # taken: locked for the retry time
    task = {**SignedPackage.loads(package), "ack_id": ack_id}
    tasks_ahead = Queue()
    tasks_ahead.put(task)
    tasks_ahead.put("STOP")
    stop = threading.Event()
    queue.watch_cluster_stop(stop)
    try:
        stop.set()
        assert qcluster._HandBack(tasks_ahead).get() == "STOP"  # the task was not run
    finally:
        queue._cluster_stop = None
    ((again, _),) = broker.dequeue()
    assert again == ack_id
    assert OrmQ.objects.count() == 1


def test_a_dead_store_is_due_again_within_a_minute(shot, monkeypatch):
    (take,) = _due_takes(shot, 1, status=S.STORING)

    def killed(render):
        raise SystemExit("the worker was killed mid-store")

    monkeypatch.setattr(storing, "_store", killed)
    with pytest.raises(SystemExit):
        storing.store(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING
    assert take.lease_until - timezone.now() <= timedelta(seconds=20)
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


@pytest.mark.django_db
def test_each_kind_of_due_work_gets_its_share_oldest_first(shot):
    """A backlog of stores never holds up a reconcile, a poll or a send: every claim takes the
    kinds in turn, each kind's oldest first (issue 34, point 10)."""
    now = timezone.now()
    made = {}
    for status, count in (("storing", 30), ("reconciling", 1), ("in_progress", 3), ("queued", 3)):
        for n in range(count):
            # The stores have waited longest of all; within a kind, the first made is oldest.
            age = 600 - n if status == "storing" else 60 - n
            take = make_take(shot, len(made) + 1, status, stored=False,
                             next_poll_at=now - timedelta(seconds=age))  # fmt: skip
            made[take.pk] = status
    first = sweeping._claim(now, {}, set(), batch=8)
    kinds = [made[pk] for pk, _, _ in first]
    assert kinds.count("storing") <= 3, kinds  # its share, not the whole claim
    assert "reconciling" in kinds and kinds.count("queued") >= 2, kinds
    stores = [pk for pk, _, _ in first if made[pk] == "storing"]
    assert stores == sorted(stores)  # oldest first within the kind
