"""The take (Render) state machine, by phase (see docs/architecture.md):

    queued -> submitting -> in_progress -> storing -> completed
       |          |              |            \\-> expired
       |          |              \\-> failed | expired | cancelled
       |          \\-> failed (rejected at submit: not billed)
       |          \\-> reconciling (outcome unknown) -> in_progress | queued
       \\-> cancelled

requesting (TakeRequest -> rows), transitions (conditional updates), submitting (send,
reconcile), polling (poll, cancel), storing (download -> storage -> probe), posters (poster and
spritesheet, after playable), sweeping (the sweep and the reaper). Tasks call these; these
never import tasks (they enqueue through generation.queue).
"""

from generation.jobs.polling import apply_status, cancel, poll, request_cancel
from generation.jobs.posters import make as make_posters
from generation.jobs.requesting import TakeRequest, TakeRequestError, create_takes, spec_for
from generation.jobs.storing import store
from generation.jobs.submitting import accepted, reconcile, submit
from generation.jobs.sweeping import SUBMIT_DEADLINE, reap, sweep_once
from generation.jobs.transitions import advance, note

__all__ = [
    "SUBMIT_DEADLINE",
    "TakeRequest",
    "TakeRequestError",
    "accepted",
    "advance",
    "apply_status",
    "cancel",
    "make_posters",
    "create_takes",
    "note",
    "poll",
    "reap",
    "reconcile",
    "request_cancel",
    "spec_for",
    "store",
    "submit",
    "sweep_once",
]
