"""`make bench`: run every benchmark and write docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sys
from datetime import date
from pathlib import Path

from bench import delivery_stream, load, pages, store_memory

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    page_data = pages.run()
    results = [*pages.rows(page_data), store_memory.run(), delivery_stream.run()]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {date.today()} ({os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}). Goals are checked "
        "here, not in timed unit tests; a missed goal says FAIL.",
        "",
        "| benchmark | result | target | verdict |",
        "|---|---|---|---|",
    ]
    failed = False
    for result in results:
        verdict = "pass" if result["ok"] else "FAIL"
        failed |= not result["ok"]
        lines.append(f"| {result['name']} | {result['result']} | {result['target']} | {verdict} |")
    hows = dict.fromkeys(f"- {r['name'].split(':')[0]}: {r['how']}" for r in results)
    lines += ["", *hows, ""]
    lines += [pages.curves_markdown(page_data)]
    if load.LOAD_RESULT.exists():  # the last load run (`python -m bench.load`, a few minutes)
        lines += [load.LOAD_RESULT.read_text()]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
