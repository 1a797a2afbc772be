"""`make bench`: run every benchmark and write docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import store_memory

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    results = [store_memory.run()]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (2 cores, 24 GiB). Targets are checked here, not in timed unit "
        "tests.",
        "",
        "| benchmark | result | target | verdict |",
        "|---|---|---|---|",
    ]
    failed = False
    for result in results:
        verdict = "pass" if result["ok"] else "FAIL"
        failed |= not result["ok"]
        lines.append(f"| {result['name']} | {result['result']} | {result['target']} | {verdict} |")
    lines += ["", *[f"- {r['name']}: {r['how']}" for r in results], ""]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
