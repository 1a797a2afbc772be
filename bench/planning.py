"""The offline planner's speed: a ten-shot plan drafted from a brief (every shot checked by the
prompt lint, as the plan page does before it creates them), the median of a few runs."""

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

TARGET_SECONDS = 1.0
BRIEF = (
    "Northwind Coffee launches its new Cold Brew for busy commuters. Warm and bright, in a "
    "sunlit kitchen. Show the smooth taste, the recyclable can and the ritual of the morning."
)


def run(runs: int = 5, shots: int = 10) -> dict:
    brand = BrandKit(palette="amber and cream", banned_words=("cheap",))
    model = catalog.require("animatic")
    times, plan = [], None
    for _ in range(runs):
        start = time.perf_counter()
        plan = planning.plan_shots(
            BRIEF, shots * planning.SHOT_SECONDS, model.key, "1280x720", brand
        )
        problems = [p for d in plan.shots for p in planning.problems(d, model, "1280x720", brand)]
        times.append(time.perf_counter() - start)
        assert not problems, problems
    median = statistics.median(times)
    assert plan is not None
    return {
        "name": f"plan {len(plan.shots)} shots from a brief (offline)",
        "result": f"{median * 1000:.0f} ms (median of {runs})",
        "target": f"< {TARGET_SECONDS:.0f} s",
        "ok": median < TARGET_SECONDS,
        "shots": len(plan.shots),
        "how": "studio.shots.planning.plan_shots on a coffee brief for 50 s on the animatic, then "
        "every shot through the prompt lint and the model's limits (planning.problems), as the "
        "plan page does before it creates them.",
    }
