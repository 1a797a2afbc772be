"""Where the money went: settled (billed, at the provider's reported cost where it gave one),
reserved (takes in flight, at their estimate), unknown (a take whose billing the provider never
told, at its estimate); by campaign, model, person and day; per approved take and approved
second. The sums are generation.budget's, the ones the hard budget is checked against; takes of
deleted shots are in every figure."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from generation import budget
from studio.csv_safe import row as safe_row
from studio.models import Decision, Verdict
from studio.review.states import required_of, verdicts

ZERO = Decimal("0")
ON_DELETED_SHOT = Q(shot__deleted_at__isnull=False)


@dataclass
class Row:
    label: str
    settled: Decimal
    reserved: Decimal  # in flight, and billing unknown: both still count against a budget
    takes: int
    key: object = None


@dataclass
class Spend:
    settled: Decimal
    reserved: Decimal
    unknown: Decimal
    takes: int
    failed_billed: int
    failed_not_billed: int
    approved_takes: int
    approved_seconds: Decimal
    deleted_takes: int  # takes of shots deleted since: still on the books
    deleted_committed: Decimal
    by: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def committed(self) -> Decimal:
        """What counts against a hard budget: the campaign's quote uses the same sum."""
        return self.settled + self.reserved + self.unknown

    @property
    def per_approved_take(self) -> Decimal | None:
        return self.settled / self.approved_takes if self.approved_takes else None

    @property
    def per_approved_second(self) -> Decimal | None:
        return self.settled / self.approved_seconds if self.approved_seconds else None

    def chart(self, width: int = 640, height: int = 160) -> list[dict]:
        """Bars of the settled and reserved spend per day, scaled for an inline SVG."""
        days = self.by.get("day", [])
        top = max((r.settled + r.reserved for r in days), default=ZERO) or Decimal("1")
        step = width / max(len(days), 1)
        bars = []
        for i, row in enumerate(days):
            settled_h = float(row.settled / top) * (height - 20)
            reserved_h = float(row.reserved / top) * (height - 20)
            bars.append(
                {
                    "x": round(i * step + 2, 1),
                    "w": round(max(step - 4, 1), 1),
                    "settled_y": round(height - settled_h, 1),
                    "settled_h": round(settled_h, 1),
                    "reserved_y": round(height - settled_h - reserved_h, 1),
                    "reserved_h": round(reserved_h, 1),
                    "row": row,
                }
            )
        return bars


GROUPS = {
    "campaign": ("shot__campaign_id", "shot__campaign__name"),
    "model": ("model_key", "model_key"),
    "person": ("created_by_id", "created_by__username"),
    "day": ("day", "day"),
}


def spend(takes) -> Spend:
    """The figures for a set of takes (a workspace's or a campaign's), in a constant number of
    queries whatever their count."""
    totals = takes.aggregate(
        settled=budget.settled_sum(),
        reserved=budget.reserved_sum(),
        unknown=budget.unknown_sum(),
        takes=Count("pk"),
        failed_billed=Count("pk", filter=Q(status="failed", billed=True)),
        failed_not_billed=Count("pk", filter=Q(status="failed", billed=False)),
        deleted_takes=Count("pk", filter=ON_DELETED_SHOT),
        deleted_committed=budget.committed_sum(only=ON_DELETED_SHOT),
    )
    by = {}
    for name, (key, label) in GROUPS.items():
        rows = (
            takes.annotate(day=TruncDate("created_at"))
            .values(key, label)
            .annotate(
                settled=budget.settled_sum(),
                reserved=budget.reserved_sum() + budget.unknown_sum(),
                n=Count("pk"),
            )
            .order_by(key if name == "day" else "-settled")
        )
        by[name] = [
            Row(
                str(r[label] if r[label] is not None else "—"),
                r["settled"],
                r["reserved"],
                r["n"],
                r[key],
            )
            for r in rows
        ]
    approved = _approved(takes)
    return Spend(
        totals["settled"],
        totals["reserved"],
        totals["unknown"],
        totals["takes"],
        totals["failed_billed"],
        totals["failed_not_billed"],
        len(approved),
        sum((Decimal(ms or 0) / 1000 for ms in approved.values()), ZERO),
        totals["deleted_takes"],
        totals["deleted_committed"],
        by,
    )


def _approved(takes) -> dict[int, int | None]:
    """The approved takes and their lengths in ms."""
    decisions = (
        Decision.objects.filter(render__in=takes.values("pk"))
        .only("pk", "render_id", "reviewer_id", "verdict", "created_at")
        .annotate(
            campaign_id=F("render__shot__campaign_id"),
            take_ms=F("render__duration_ms"),
            take_seconds=F("render__seconds"),
        )
    )
    by_campaign: dict[int, list[Decision]] = {}
    lengths: dict[int, int] = {}
    for decision in decisions:  # each take's length read with its decisions: no second query
        by_campaign.setdefault(decision.campaign_id, []).append(decision)
        lengths[decision.render_id] = decision.take_ms or decision.take_seconds * 1000
    required = required_of(by_campaign)
    return {
        pk: lengths[pk]
        for campaign_id, found in by_campaign.items()
        for pk, v in verdicts(found, required[campaign_id]).items()
        if v == Verdict.APPROVED
    }


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
