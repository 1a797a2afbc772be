"""`make bench`: run every benchmark and write docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

from bench import (
    api,
    delivery_stream,
    finishing_speed,
    first_byte,
    guest_downloads,
    integrations,
    load,
    media_speed,
    one_take_split,
    own_gpus,
    pages,
    pipeline,
    planning,
    plot,
    provenance,
    scale,
    sweep_cost,
    transfer,
    versions,
)

ROOT = Path(__file__).resolve().parent.parent


def timed(what: str, run):
    start = time.monotonic()
    result = run()
    print(f"{what}: {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    return result


def reference_loop() -> float:
    """Seconds for ten million additions in CPython: how fast this machine was during the run
    (page times are absolute; compare this figure before comparing them)."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def main() -> int:
    speed = reference_loop()
    page_data = timed("pages", pages.run)
    flow = timed("pipeline", pipeline.run)
    at_scale = timed("workspace at scale", scale.run)
    sweeps = timed("sweep cost", sweep_cost.run)
    results = [
        *pages.rows(page_data, speed),
        *scale.rows(at_scale),
        *pipeline.rows(flow),
        *sweep_cost.rows(sweeps),
        *first_byte.rows(timed("first byte", first_byte.run)),
        timed("transfer", transfer.run),
        *timed("media", media_speed.run),
        *timed("finishing", finishing_speed.run),
        timed("one-take split", one_take_split.run),
        *timed("versions", versions.run),
        timed("delivery", delivery_stream.run),
        timed("guest downloads", guest_downloads.run),
        *timed("planning", planning.run),
        timed("signing", provenance.run),
        timed("chat", integrations.chat),
        timed("audit log", integrations.audit),
        timed("API takes list", api.takes_list),
        timed("API take requests", api.requesting),
        timed("own GPUs", own_gpus.overhead),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {date.today()} ({os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; ten million additions "
        f"in CPython took {speed:.2f} s, a figure to compare machines and runs by). Goals are "
        "checked here, not in timed unit tests; a missed goal says FAIL (— where there is no "
        "goal, only a figure to compare).",
        "",
        "| benchmark | result | target | verdict |",
        "|---|---|---|---|",
    ]
    for result in results:
        verdict = {True: "pass", False: "FAIL", None: "—"}[result["ok"]]
        lines.append(f"| {result['name']} | {result['result']} | {result['target']} | {verdict} |")
    hows = dict.fromkeys(f"- {r['name'].split(':')[0]}: {r['how']}" for r in results)
    lines += ["", *hows, ""]
    missed = [r for r in results if r["ok"] is False and r.get("why")]
    if missed:
        lines += ["## Where a goal is missed, and what would close it", ""]
        lines += [f"- **{r['name']}**: {r['why']}" for r in missed]
        lines += [""]
    lines += [
        pages.curves_markdown(page_data),
        pipeline.curves_markdown(flow),
        sweep_cost.curve_markdown(sweeps),
        *plots(page_data, flow, sweeps),
    ]
    if load.LOAD_RESULT.exists():  # the last load run (`python -m bench.load`, a few minutes)
        lines += [load.LOAD_RESULT.read_text()]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    print("\n".join(lines))
    # A missed goal is a finding for docs/benchmarks.md, not a broken run: the run fails only
    # when a benchmark could not measure.
    missed = sum(1 for r in results if r["ok"] is False)
    print(f"\n{missed} goal(s) missed." if missed else "\nEvery goal met.")
    return 0


def plots(page_data: dict, flow: dict, sweeps: dict) -> list[str]:
    """The curves as small SVGs beside docs/benchmarks.md."""
    curves = page_data["curves"]
    pages_svg = plot.svg(
        {
            "board p95 ms": {int(n): m["board"]["p95_ms"] for n, m in curves.items()},
            "grid p95 ms": {int(n): m["grid"]["p95_ms"] for n, m in curves.items()},
        },
        "shots (× 4 takes)",
        "ms",
    )
    pipeline_svg = plot.svg(
        {
            "seconds to make every take playable": {
                n: m["seconds"] for n, m in flow["scaling"].items()
            }
        },
        "takes",
        "seconds",
    )
    sweep_svg = plot.svg(
        {"one pass (ms)": {int(n): m["ms"] for n, m in sweeps["curve"].items() if int(n)}},
        f"takes due (of {sweeps['in_flight']} in flight)",
        "ms",
    )
    (ROOT / "docs" / "benchmarks-sweep.svg").write_text(sweep_svg)
    (ROOT / "docs" / "benchmarks-pages.svg").write_text(pages_svg)
    (ROOT / "docs" / "benchmarks-pipeline.svg").write_text(pipeline_svg)
    return [
        "The curves on log–log axes (the dashed line is linear growth):",
        "",
        "![Page time as the rows grow](benchmarks-pages.svg)",
        "![Pipeline time as the takes grow](benchmarks-pipeline.svg)",
        "![The sweep's pass as the due takes grow](benchmarks-sweep.svg)",
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
