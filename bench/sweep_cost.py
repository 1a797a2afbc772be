"""The sweep's cost as the takes that are due grow, with 5 000 takes in flight: one pass of the
real sweep (claims, the reaper, the per-provider limits, the thread pool) over takes whose
handler answers at once as a provider would ("still rendering": due again in a minute), so what
is measured is the studio's own cost per pass. The goal: it follows the takes that are due, not
the takes in flight (a pass with 50 due costs about what 50 cost, however many wait)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import stack

ROOT = Path(__file__).resolve().parent.parent
IN_FLIGHT = 5000
DUE = (0, 50, 500, 2000)

CHILD = r"""
import json, statistics, sys, time
from datetime import timedelta
import django
django.setup()
from django.db import connection
from django.utils import timezone
from generation.jobs import sweeping
from generation.models import Render, RenderStatus
from studio.models import Campaign, Shot, Workspace

in_flight, dues = int(sys.argv[1]), [int(d) for d in sys.argv[2].split(",")]
workspace = Workspace.objects.create(name="Sweep")
campaign = Campaign.objects.create(workspace=workspace, name="Sweep")
shots = Shot.objects.bulk_create(Shot(campaign=campaign, title=f"S{i}", position=i,
                                      prompt={"scene": "x"}) for i in range(in_flight // 10))
later = timezone.now() + timedelta(hours=1)
Render.objects.bulk_create(
    (Render(shot=shot, take=t, model_key="animatic", provider="animatic", size="1280x720",
            seconds=4, prompt_text="x", status=RenderStatus.IN_PROGRESS,
            provider_job_id=f"job-{shot.pk}-{t}", next_poll_at=later)
     for shot in shots for t in range(1, 11)), batch_size=2000)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

def still_rendering(pk):
    Render.objects.filter(pk=pk).update(next_poll_at=timezone.now() + timedelta(minutes=1))

sweeping.HANDLERS[RenderStatus.IN_PROGRESS] = still_rendering
curve = {}
for due in dues:
    times = []
    for _ in range(3):
        Render.objects.update(next_poll_at=later)
        pks = list(Render.objects.order_by("pk").values_list("pk", flat=True)[:due])
        Render.objects.filter(pk__in=pks).update(next_poll_at=timezone.now() - timedelta(seconds=1))
        start = time.perf_counter()
        handled = sweeping.sweep_once(now=timezone.now())
        times.append(time.perf_counter() - start)
        assert handled == due, (handled, due)
    ms = statistics.median(times) * 1000
    curve[due] = {"ms": round(ms, 1), "ms_per_due": round(ms / due, 2) if due else None}
print(json.dumps({"in_flight": in_flight, "curve": curve, "database": connection.vendor}))
"""


def run(in_flight: int = IN_FLIGHT, due: tuple[int, ...] = DUE) -> dict:
    with tempfile.TemporaryDirectory(prefix="reelroom-sweep-") as tmp:
        databases = stack.Databases(Path(tmp))
        env = stack.base_env(Path(tmp), STUDIO_SWEEP_THREADS="4")
        try:
            databases.prepare(env)
            env["DATABASE_URL"] = databases.url(databases.template)
            result = subprocess.run(
                [sys.executable, "-c", CHILD, str(in_flight), ",".join(map(str, due))],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            if result.returncode:
                raise RuntimeError(f"the sweep bench failed:\n{result.stderr[-3000:]}")
        finally:
            databases.drop_all()
    return json.loads(result.stdout.strip().splitlines()[-1])


def rows(data: dict) -> list[dict]:
    curve = {int(k): v for k, v in data["curve"].items()}
    idle, fifty = curve[0]["ms"], curve[50]["ms"]
    per_take = curve[max(curve)]["ms_per_due"]
    # "About what 50 cost": the pass with 50 due among 5 000 costs at most twice the idle pass
    # plus 50 takes at the per-take cost of the full pass.
    bound = 2 * idle + 50 * per_take
    return [{
        "name": "sweep: a pass with 50 of 5 000 in flight due",
        "result": f"{fifty} ms (idle pass {idle} ms; {per_take} ms per due take when all "
        f"{max(curve)} are due)",
        "target": f"≤ {bound:.0f} ms (twice the idle pass + 50 × the per-take cost)",
        "ok": fifty <= bound,
        "how": f"one pass of the real sweep on {data['database']} with {data['in_flight']} takes "
        "in flight, a handler that answers at once; the median of three passes.",
        "why": "a pass that reads the takes in flight rather than the ones due.",
    }]  # fmt: skip


def curve_markdown(data: dict) -> str:
    lines = [f"## The sweep's cost as the due takes grow ({data['in_flight']} in flight)", "",
             "| takes due | one pass (ms) | ms per due take |", "|---|---|---|"]  # fmt: skip
    for due, m in data["curve"].items():
        lines.append(f"| {due} | {m['ms']} | {m['ms_per_due'] if m['ms_per_due'] else '—'} |")
    lines += ["", "The claim query reads the `(status, next_poll_at)` index: a pass costs what "
              "its due takes cost, whatever waits behind them.", ""]  # fmt: skip
    return "\n".join(lines)
