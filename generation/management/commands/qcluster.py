"""`manage.py qcluster`, django-q2's worker cluster, with the studio's sweeper running in its main
process (generation/jobs/sweeper.py: beside the queue, never behind it) and a stop that always
ends: on SIGTERM or SIGINT the cluster stops gracefully — no task starts after the signal (the
ones its workers had already taken from the broker are handed back to it at once), running ones
finish (a store gives its take back at once) — and whatever is left after STOP_SECONDS is
killed, so a worker is gone within 10 s however it is signalled: to its own pid (`docker stop`,
systemd `KillMode=mixed`) or to its whole process group (systemd's default
`KillMode=control-group`, Ctrl-C in a terminal). Every task is idempotent."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_q import cluster as q_cluster
from django_q import worker as q_worker
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.management.commands.qcluster import Command as ClusterCommand
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from generation import liveness, queue
from generation.jobs.sweeper import Sweeper
from generation.models import Render, RenderStatus

logger = logging.getLogger(__name__)

STOP_SECONDS = 8.0


class Command(ClusterCommand):
    help = "Starts the worker cluster; it stops within 10 seconds however it is signalled."
    # Django's system checks (URLs, templates, the signer) are a second of CPU per process: the
    # deployment's `migrate` runs them; a cluster restarted after a crash sweeps sooner without.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        settings.SECRET_KEY  # noqa: B018 - signing needs it, as in django-q2's own command
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        _sentinel_stops_only_when_told()
        q_cluster.worker = _worker_that_hands_back  # what spawn_worker starts
        cluster = q_cluster.Cluster()
        graceful = cluster.sig_handler
        stopping = threading.Event()  # this process's: its sweeper and the stores it runs
        queue.watch_cluster_stop(stopping)

        def stop(signum: int, frame: Any) -> None:
            _deadline(STOP_SECONDS)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop, however many signals
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            stopping.set()
            graceful(signum, frame)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        cluster.start()
        if options.get("run_once", False):
            cluster.stop()
            return
        if stopping.is_set() or not cluster.sentinel.is_alive():
            return
        sweeper = threading.Thread(target=Sweeper(stopping).run, name="sweeper")
        sweeper.start()
        while sweeper.is_alive():  # the main thread stays free for the signal
            sweeper.join(0.5)
        if not stopping.is_set():  # the sweeper ended on its own: stop, and say so to the
            logger.error("the sweeper stopped unexpectedly; the cluster stops")  # supervisor
            cluster.stop()
            raise SystemExit(1)


_QUIET_STARTS: set[Any] = set()  # the sentinel start already patched (the command may run twice)


def _sentinel_stops_only_when_told() -> None:
    """django-q2's sentinel dies at once on SIGTERM, orphaning its workers while the cluster's
    main process waits (a signal to the whole group left it hung over 40 s). The sentinel and
    the workers it forks ignore SIGTERM instead: the main process stops them through the
    cluster's stop event, the way django-q2 stops gracefully."""
    start = q_cluster.Sentinel.start
    if start in _QUIET_STARTS:
        return

    def quiet_start(self: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        queue.watch_cluster_stop(self.stop_event)  # inherited by the workers it forks
        start(self)

    _QUIET_STARTS.add(quiet_start)
    q_cluster.Sentinel.start = quiet_start


def _worker_that_hands_back(task_queue: Any, result_queue: Any, timer: Any, *args: Any) -> None:
    """django-q2's worker, reading its tasks through a queue that hands tasks back to the
    broker once the cluster is stopping (a worker would otherwise run every task the pusher had
    fetched ahead before it reached its STOP)."""
    q_worker.worker(_HandBack(task_queue), result_queue, timer, *args)


class _HandBack:
    def __init__(self, tasks: Any) -> None:
        self.tasks = tasks
        self.broker: Any = None

    def get(self, *args: Any, **kwargs: Any) -> Any:
        while True:
            task = self.tasks.get(*args, **kwargs)
            if task == "STOP" or not queue.cluster_stopping():
                return task
            self.hand_back(task)

    def hand_back(self, task: dict[str, Any]) -> None:
        """Give a task that was taken but not started back to the broker, for another cluster
        (or this one's next start) at once: the ORM broker's row is unlocked, a Redis task (gone
        from its list once taken) is put back."""
        try:
            self.broker = self.broker or get_broker()
            if isinstance(self.broker, ORM):
                OrmQ.objects.filter(pk=task["ack_id"]).update(lock=timezone.now())
            else:
                kept = {k: v for k, v in task.items() if k not in ("ack_id", "cluster")}
                self.broker.enqueue(SignedPackage.dumps(kept))
            logger.info("handed back %s: the cluster is stopping", task.get("name"))
        except Exception:
            logger.exception("could not hand back %s (the sweep finds its take)", task.get("name"))


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc), deepest last."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _give_back(pids: list[int]) -> None:
    """The takes these processes were storing, due again at once rather than when their lease
    lapses (a send cut off is reconciled by the reaper: its process is dead)."""
    marks = [liveness.mark(pid) for pid in pids]
    try:
        Render.objects.filter(status=RenderStatus.STORING, held_by__in=marks).update(
            lease_until=None, next_poll_at=timezone.now()
        )
    except Exception:
        logger.exception("could not give back the stores of a cluster being killed")


def _deadline(seconds: float) -> None:
    """After `seconds`, kill what is left of the cluster and leave."""

    def expire() -> None:
        logger.warning("the cluster did not stop within %s s: what is left is killed", seconds)
        # The whole tree first: a killed parent's children would move to init and be missed.
        tree = _descendants(os.getpid())
        _give_back([os.getpid(), *tree])
        for child in multiprocessing.active_children():
            child.kill()
        for pid in tree:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os._exit(0)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
