"""The spend CSV: one line per take, for accounting, written as it is read. Its amounts are
generation.budget's, row by row (settled and counted), the twins of the spend pages' sums."""

from __future__ import annotations

import csv
import io

from generation import budget
from studio.csv_safe import row as safe_row

CSV_FIELDS = [
    "created_at",
    "campaign",
    "shot",
    "shot_deleted",
    "take",
    "model",
    "provider",
    "person",
    "status",
    "billed",
    "estimate",
    "actual",
    "settled",
    "counted",
    "cost_rejected",
]


def csv_rows(takes):
    """One line per take, for accounting: written as it is read (a generator)."""
    out = io.StringIO()
    writer = csv.writer(out)

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(CSV_FIELDS)
    yield flush()
    for t in (
        takes.select_related("shot__campaign", "created_by").order_by("created_at", "pk").iterator()
    ):
        writer.writerow(
            safe_row(
                [
                    t.created_at.isoformat(),
                    t.shot.campaign.name,
                    t.shot.title,
                    "yes" if t.shot.deleted_at else "no",
                    t.take,
                    t.model_key,
                    t.provider,
                    t.created_by.get_username() if t.created_by else "",
                    t.status,
                    {True: "yes", False: "no", None: "unknown"}[t.billed],
                    t.cost_estimate,
                    "" if t.cost_actual is None else t.cost_actual,
                    budget.settled_cost(t),
                    budget.counted_cost(t),
                    t.cost_rejected,
                ]
            )
        )
        yield flush()
