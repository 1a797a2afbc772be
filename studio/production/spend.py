"""Where the money went: settled (billed, at the provider's reported cost where it gave one),
reserved (takes in flight, at their estimate), unknown (a take whose billing the provider never
told, at its estimate); by campaign, model, person and day; per approved take and approved
second. The sums are generation.budget's, the ones the hard budget is checked against; takes of
deleted shots are in every figure. A campaign's page counts its takes; the workspace's adds up
each campaign's figures as stored (studio/models/spend.py), computing again those that changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from generation import budget
from studio.models import Campaign, CampaignSpend, Decision, Take, Verdict
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


# What a take's money is grouped by on the page, besides its campaign.
GROUPS = ("model", "person", "day")
KEYS = {"model": "model_key", "person": "created_by_id", "day": "day"}


@dataclass
class Figures:
    """One campaign's figures: what the page shows, before labels. Stored as JSON in
    CampaignSpend (the workspace page adds these up) and made from the takes here."""

    settled: Decimal = ZERO
    reserved: Decimal = ZERO
    unknown: Decimal = ZERO
    takes: int = 0
    failed_billed: int = 0
    failed_not_billed: int = 0
    deleted_takes: int = 0
    deleted_committed: Decimal = ZERO
    approved_takes: int = 0
    approved_seconds: Decimal = ZERO
    # group -> key (a model key, a person's id or None, a day as ISO text) -> [settled,
    # reserved or unknown, takes]
    by: dict[str, dict] = field(default_factory=lambda: {name: {} for name in GROUPS})

    SUMS = ("settled", "reserved", "unknown", "deleted_committed", "approved_seconds")
    COUNTS = ("takes", "failed_billed", "failed_not_billed", "deleted_takes", "approved_takes")

    def add(self, other: Figures) -> None:
        for name in (*self.SUMS, *self.COUNTS):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in GROUPS:
            for key, (settled, reserved, n) in other.by[name].items():
                _add_to(self.by[name], key, settled, reserved, n)

    def to_json(self) -> dict:
        return {
            **{name: str(getattr(self, name)) for name in self.SUMS},
            **{name: getattr(self, name) for name in self.COUNTS},
            **{
                name: [[key, str(s), str(r), n] for key, (s, r, n) in self.by[name].items()]
                for name in GROUPS
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> Figures:
        figures = cls()
        for name in cls.SUMS:
            setattr(figures, name, Decimal(data[name]))
        for name in cls.COUNTS:
            setattr(figures, name, int(data[name]))
        for name in GROUPS:
            for key, s, r, n in data[name]:
                figures.by[name][key] = [Decimal(s), Decimal(r), int(n)]
        return figures


# The figures one grouped row of takes gives as they are (its count is `n`).
BUCKET_FIGURES = (
    "settled",
    "reserved",
    "unknown",
    "failed_billed",
    "failed_not_billed",
    "deleted_takes",
    "deleted_committed",
)


def _add_to(group: dict, key: object, settled: Decimal, reserved: Decimal, n: int) -> None:
    row = group.setdefault(key, [ZERO, ZERO, 0])
    row[0] += settled
    row[1] += reserved
    row[2] += n


def figures_by_campaign(takes) -> dict[int, Figures]:
    """Each campaign's figures for a set of takes (one campaign's, a workspace's, or the
    campaigns whose stored figures are out of date), in three queries whatever their count:
    the takes' money grouped by campaign × model × person × day in one pass (the groups the
    page shows are folded from it), the decisions and the required approvers."""
    buckets = (
        takes.annotate(day=TruncDate("created_at"))
        .values("shot__campaign_id", *KEYS.values())
        .annotate(
            settled=budget.settled_sum(),
            reserved=budget.reserved_sum(),
            unknown=budget.unknown_sum(),
            n=Count("pk"),
            failed_billed=Count("pk", filter=Q(status="failed", billed=True)),
            failed_not_billed=Count("pk", filter=Q(status="failed", billed=False)),
            deleted_takes=Count("pk", filter=ON_DELETED_SHOT),
            deleted_committed=budget.committed_sum(only=ON_DELETED_SHOT),
        )
        .order_by()
    )
    out: dict[int, Figures] = {}
    for b in buckets:
        bucket = Figures(takes=b["n"], **{name: b[name] for name in BUCKET_FIGURES})
        for name, column in KEYS.items():
            key = b[column].isoformat() if name == "day" else b[column]
            bucket.by[name][key] = [b["settled"], b["reserved"] + b["unknown"], b["n"]]
        out.setdefault(b["shot__campaign_id"], Figures()).add(bucket)
    for campaign_id, lengths in _approved(takes).items():
        f = out.setdefault(campaign_id, Figures())
        f.approved_takes = len(lengths)
        f.approved_seconds = sum((Decimal(ms or 0) / 1000 for ms in lengths.values()), ZERO)
    return out


def spend(campaign) -> Spend:
    """A campaign's figures, counted from its takes in a constant number of queries whatever
    their count."""
    takes = Take.objects.filter(shot__campaign=campaign)
    return _page(figures_by_campaign(takes), {campaign.pk: campaign.name})


def workspace_spend(workspace) -> Spend:
    """A workspace's figures: each campaign's as stored (CampaignSpend), those changed since
    computed again from their takes first. Constant queries whatever the takes; a campaign
    whose takes changed costs what its own spend page costs, once."""
    campaigns = list(
        Campaign.objects.filter(workspace=workspace)
        .order_by()
        .values_list(
            "pk", "name", "spend_figures__version", "spend_figures__seen", "spend_figures__figures"
        )
    )
    names = {pk: name for pk, name, *_ in campaigns}
    per_campaign: dict[int, Figures] = {}
    stale: dict[int, int | None] = {}  # the version read now (None: no row yet)
    for pk, _, version, seen, stored in campaigns:
        figures = _stored(stored) if version is not None and version == seen else None
        if figures is None:
            stale[pk] = version
        else:
            per_campaign[pk] = figures
    if stale:
        per_campaign.update(_recompute(stale))
    return _page(per_campaign, names)


def _stored(data: object) -> Figures | None:
    """Stored figures, or None when they cannot be read (written by an older version of this
    module, say): they are then computed again, never guessed."""
    try:
        return Figures.from_json(data)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


def _recompute(versions: dict[int, int | None]) -> dict[int, Figures]:
    """Compute the campaigns' figures from their takes and store them at the version read
    before (`versions`): a change that lands meanwhile raises the version, so they are computed
    again next time rather than trusted. A campaign without a row (made by a bulk insert) gets
    one at the model's first version."""
    first = CampaignSpend._meta.get_field("version").get_default()
    CampaignSpend.objects.bulk_create(
        [CampaignSpend(campaign_id=pk) for pk, version in versions.items() if version is None],
        ignore_conflicts=True,
    )
    computed = figures_by_campaign(Take.objects.filter(shot__campaign_id__in=list(versions)))
    fresh = {pk: computed.get(pk, Figures()) for pk in versions}
    CampaignSpend.objects.bulk_update(
        [
            CampaignSpend(
                campaign_id=pk,
                seen=first if version is None else version,
                figures=fresh[pk].to_json(),
            )
            for pk, version in versions.items()
        ],
        ["seen", "figures"],
    )
    return fresh


def _page(per_campaign: dict[int, Figures], campaign_names: dict[int, str]) -> Spend:
    """Add the campaigns' figures up into the page's, labelled (people by their usernames,
    read in one query)."""
    total = Figures()
    for figures in per_campaign.values():
        total.add(figures)
    people = [pk for pk in total.by["person"] if pk is not None]
    usernames = dict(
        get_user_model().objects.filter(pk__in=people).values_list("pk", "username")
        if people
        else []
    )
    # A person deleted since their takes were counted: with nobody's, as the takes now say.
    for pk in [pk for pk in people if pk not in usernames]:
        settled, reserved, n = total.by["person"].pop(pk)
        _add_to(total.by["person"], None, settled, reserved, n)
    labels = {
        "model": lambda key: key,
        "person": lambda key: usernames.get(key, "—") if key is not None else "—",
        "day": lambda key: key,
    }
    by = {
        "campaign": _rows(
            {
                pk: [f.settled, f.reserved + f.unknown, f.takes]
                for pk, f in per_campaign.items()
                if f.takes  # a campaign without takes has no row, as before it had any
            },
            lambda pk: campaign_names.get(pk, "—"),
        )
    }
    for name in GROUPS:
        by[name] = _rows(total.by[name], labels[name], in_order=name == "day")
    return Spend(
        total.settled,
        total.reserved,
        total.unknown,
        total.takes,
        total.failed_billed,
        total.failed_not_billed,
        total.approved_takes,
        total.approved_seconds,
        total.deleted_takes,
        total.deleted_committed,
        by,
    )


def _rows(group: dict, label, in_order: bool = False) -> list[Row]:
    rows = [Row(str(label(key)), s, r, n, key) for key, (s, r, n) in group.items()]
    if in_order:  # days, oldest first
        return sorted(rows, key=lambda row: row.label)
    return sorted(rows, key=lambda row: (-row.settled, row.label))


def _approved(takes) -> dict[int, dict[int, int | None]]:
    """Each campaign's approved takes and their lengths in ms."""
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
        campaign_id: {
            pk: lengths[pk]
            for pk, v in verdicts(found, required[campaign_id]).items()
            if v == Verdict.APPROVED
        }
        for campaign_id, found in by_campaign.items()
    }
