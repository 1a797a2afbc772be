"""`manage.py qcluster`, django-q2's worker cluster, with a stop that always ends: on SIGTERM or
SIGINT the cluster stops gracefully (running tasks finish, the rest stays queued), and whatever
is left after STOP_SECONDS is killed, so a worker is gone within 10 s however it is signalled —
to its own pid (`docker stop`, systemd `KillMode=mixed`) or to its whole process group (systemd's
default `KillMode=control-group`, Ctrl-C in a terminal). A task killed that way is delivered again
(ORM broker) and every task is idempotent."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django_q import cluster as q_cluster
from django_q.management.commands.qcluster import Command as ClusterCommand

from generation import queue

STOP_SECONDS = 8.0


class Command(ClusterCommand):
    help = "Starts the worker cluster; it stops within 10 seconds however it is signalled."

    def handle(self, *args: Any, **options: Any) -> None:
        settings.SECRET_KEY  # noqa: B018 - signing needs it, as in django-q2's own command
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        _sentinel_stops_only_when_told()
        cluster = q_cluster.Cluster()
        graceful = cluster.sig_handler

        def stop(signum: int, frame: Any) -> None:
            _deadline(STOP_SECONDS)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop, however many signals
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            graceful(signum, frame)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        cluster.start()
        if options.get("run_once", False):
            cluster.stop()


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


def _deadline(seconds: float) -> None:
    """After `seconds`, kill what is left of the cluster and leave."""

    def expire() -> None:
        # The whole tree first: a killed parent's children would move to init and be missed.
        tree = _descendants(os.getpid())
        for child in multiprocessing.active_children():
            child.kill()
        for pid in tree:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os._exit(0)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
