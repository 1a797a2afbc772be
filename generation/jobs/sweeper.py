"""The sweeper: the loop that runs the sweep inside every worker cluster's main process, beside
the task queue rather than on it, so it never waits in the queue behind the stores it hands out
and never holds a worker.

One cluster leads (its mark in the shared cache, renewed every second by a thread of its own,
so a long pass never loses it; it lapses LEAD_TTL seconds after the leader dies); the others
watch and take the lead when that mark lapses. A starting cluster sweeps once at once, leader or
not (two sweeps at once are harmless: takes are claimed by conditional update), so whatever a
killed cluster left in flight moves within a second or two of the restart."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Protocol

from django.core.cache import cache
from django.db import close_old_connections, connection

from generation.jobs.sweeping import sweep_once

logger = logging.getLogger(__name__)
LEAD_KEY = "reelroom:sweep-lead"
LEAD_TTL = 3  # seconds a leader's mark lives without being renewed
RENEW_EVERY = 1.0
IDLE_PAUSE = 1.0  # only when nothing was due: while takes are due, the sweep runs again at once


class StopEvent(Protocol):
    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class Sweeper:
    """Run with `run()` in a thread of its own until `stop` is set (the cluster is stopping)."""

    def __init__(self, stop: StopEvent) -> None:
        self.stop = stop
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.passes = 0

    def leading(self) -> bool:
        """Whether this sweeper leads, taking the lead when nobody holds it."""
        return cache.add(LEAD_KEY, self.me, timeout=LEAD_TTL) or cache.get(LEAD_KEY) == self.me

    def run(self) -> None:
        renewer = threading.Thread(target=self._renew, name="sweep-lead", daemon=True)
        renewer.start()
        try:
            self._pass("the cluster started")  # at once, whoever leads
            while not self.stop.is_set():
                handled = self._pass("leading") if self._leads() else 0
                if not handled:
                    self.stop.wait(IDLE_PAUSE)
        finally:
            if cache.get(LEAD_KEY) == self.me:
                cache.delete(LEAD_KEY)  # a stopping leader hands over at once
            connection.close()
            renewer.join(timeout=RENEW_EVERY * 2)

    def _leads(self) -> bool:
        try:
            return self.leading()
        except Exception:  # the cache is away: sweep beside whoever leads (harmless)
            logger.warning("the sweep's lead could not be read; sweeping anyway", exc_info=True)
            return True

    def _pass(self, why: str) -> int:
        first = not self.passes
        self.passes += 1
        if first:
            logger.info("sweeper %s: first pass starting (%s)", self.me, why)
        try:
            close_old_connections()  # one the database broke (a restart, a cut) is replaced
            handled = sweep_once()
        except Exception:
            logger.exception("a sweep pass failed; the next one runs in a second")
            return 0
        if first:
            logger.info("sweeper %s: first pass handled %s take(s)", self.me, handled)
        return handled

    def _renew(self) -> None:
        """Keep this sweeper's mark alive while it leads, however long a pass takes."""
        try:
            while not self.stop.wait(RENEW_EVERY):
                try:
                    if cache.get(LEAD_KEY) == self.me:
                        cache.touch(LEAD_KEY, timeout=LEAD_TTL)
                except Exception:
                    logger.warning("could not renew the sweep's lead", exc_info=True)
        finally:
            connection.close()
