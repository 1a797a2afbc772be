"""The offline planner: its speed (a ten-shot plan drafted from a brief, every shot checked by
the plan rules as the plan page does before it creates them, the median of a few runs) and its
rule pass rate over the brief set (tests/data/briefs/: every brief on every model of the
catalog that makes its format; goal 100 %)."""

from __future__ import annotations

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
django.setup()

from generation import catalog  # noqa: E402 - after django.setup()
from generation.prompts.structure import BrandKit  # noqa: E402
from studio.shots import planning  # noqa: E402
from studio.shots.brief import Names  # noqa: E402
from studio.shots.plan_rules import Rules  # noqa: E402
from tests import briefs  # noqa: E402

TARGET_SECONDS = 1.0
BRIEF = (
    "Northwind Coffee launches its new Cold Brew for busy commuters, in a small café at dawn. "
    "Story: a barista unlocks the door, grinds the beans, tamps the coffee, pulls a shot, steams "
    "the milk, pours a heart, slides the cup across the counter, a commuter takes the first sip "
    "with a smile, she waves from the door. Push the smooth taste and the recyclable can."
)


def speed(runs: int = 5, shots: int = 10) -> dict:
    brand = BrandKit(palette="amber and cream", banned_words=("cheap",))
    model = catalog.require("animatic")
    target = shots * planning.SHOT_SECONDS
    rules = Rules(model, "1280x720", target, brand, "Cold Brew")
    times, plan = [], None
    for _ in range(runs):
        start = time.perf_counter()
        plan = planning.plan_shots(BRIEF, target, model.key, "1280x720", brand, Names("Cold Brew"))
        broken = rules.broken(plan.shots)
        times.append(time.perf_counter() - start)
        assert not broken, broken
    median = statistics.median(times)
    assert plan is not None
    return {
        "name": f"plan {len(plan.shots)} shots from a brief (offline)",
        "result": f"{median * 1000:.0f} ms (median of {runs})",
        "target": f"< {TARGET_SECONDS:.0f} s",
        "ok": median < TARGET_SECONDS,
        "shots": len(plan.shots),
        "how": "studio.shots.planning.plan_shots on a coffee story of nine moments for 50 s on the "
        "animatic, then "
        "the plan rules on every shot and the whole (studio.shots.plan_rules: the prompt lint, "
        "the model's limits, the running time, the product, the banned words), as the plan page "
        "does before it creates them.",
    }


def pass_rate() -> dict:
    start = time.perf_counter()
    met, total, misses = briefs.pass_rate()
    took = time.perf_counter() - start
    return {
        "name": "the offline planner's rule pass rate over the brief set",
        "result": f"{met} of {total} plans ({met / total:.0%}) meet every rule and their "
        f"brief's properties; {took:.1f} s for all ({took / total * 1000:.1f} ms a plan)",
        "target": "100 %",
        "ok": met == total,
        "plans": total,
        "misses": misses[:10],
        "how": f"tests/briefs.py on the {len(briefs.cases())} briefs of tests/data/briefs/, each "
        "on every model of the catalog that makes its format from words: the plan rules and the "
        "brief's own properties (its moments in order, its lines as written, its light, sound and "
        "claims); a plan whose running time no lengths of the model can meet counts when it says "
        "so.",
    }


def run(runs: int = 5, shots: int = 10) -> list[dict]:
    return [speed(runs, shots), pass_rate()]
