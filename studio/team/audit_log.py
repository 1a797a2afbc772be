"""Reading the audit log: an owner's page of entries, newest first, filtered by area, person,
action and dates, a hundred at a time (keyset: "older" goes on from the last id, so a page costs
the same at a million rows), and the same filtered entries as CSV. The retention purge."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from studio import csv_safe
from studio.models import Area, AuditEntry, AuditPurge

PAGE = 100


class AuditFilters(forms.Form):
    area = forms.ChoiceField(choices=[("", "All areas"), *Area.choices], required=False)
    actor = forms.CharField(max_length=200, required=False, label="Who")
    action = forms.CharField(max_length=60, required=False)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    before = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean() or {}
        for name in ("since", "until"):
            if data.get(name) and not FIRST_DAY <= data[name] <= LAST_DAY:
                self.add_error(name, f"Give a date from {FIRST_DAY:%Y} to {LAST_DAY:%Y}.")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“From” must not be after “To”.")
        return data


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


def _filtered(workspace_id: int, f: dict):
    rows = AuditEntry.objects.filter(workspace_id=workspace_id)
    if f.get("area"):
        rows = rows.filter(area=f["area"])
    if f.get("actor"):
        rows = rows.filter(actor=f["actor"].strip())
    if f.get("action"):
        rows = rows.filter(action__startswith=f["action"].strip())
    tz = timezone.get_current_timezone()
    if f.get("since"):
        since = datetime.combine(f["since"], time.min, tzinfo=tz)
        rows = rows.filter(at__gte=since)
        before = _nearest(AuditEntry.objects.filter(at__lt=since - 2 * CLOCK_SKEW), "-at")
        if before is not None:
            rows = rows.filter(id__gt=before)
    if f.get("until"):
        until = datetime.combine(f["until"] + timedelta(days=1), time.min, tzinfo=tz)
        rows = rows.filter(at__lt=until)
        after = _nearest(AuditEntry.objects.filter(at__gte=until + 2 * CLOCK_SKEW), "at")
        if after is not None:
            rows = rows.filter(id__lt=after)
    return rows.order_by("-id")


# Entries are written as things happen, so their ids follow their times, give or take the
# clocks of the web servers (at most CLOCK_SKEW apart). A date filter is also an id range: an
# entry older than the day by twice the skew was written before every entry of the day, so
# every entry of the day has a larger id (and likewise after). Found through the time index in
# one row, it lets a page of an old month cost what a page of today does at a million entries;
# the dates themselves are still applied exactly.
CLOCK_SKEW = timedelta(minutes=10)


def _nearest(rows, order: str) -> int | None:
    return rows.order_by(order).values_list("id", flat=True).first()


@dataclass
class Page:
    entries: list[AuditEntry]
    older: int | None  # the id to go on from, when there are older entries


def page(workspace_id: int, f: dict) -> Page:
    """One page, in one query."""
    rows = _filtered(workspace_id, f)
    if f.get("before"):
        rows = rows.filter(id__lt=f["before"])
    entries = list(rows[: PAGE + 1])
    older = entries[PAGE - 1].pk if len(entries) > PAGE else None
    return Page(entries[:PAGE], older)


HEADER = ["at (UTC)", "who", "from", "area", "action", "what", "changes"]


def csv_lines(workspace_id: int, f: dict) -> Iterator[str]:
    """The filtered entries as CSV, a line at a time (a spreadsheet runs no formula in them)."""

    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield writer.writerow(HEADER)
    for e in _filtered(workspace_id, f).iterator(chunk_size=2000):
        yield writer.writerow(
            csv_safe.row(
                [
                    e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.ip or "",
                    e.area,
                    e.action,
                    e.target,
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                ]
            )
        )


def purge(now: datetime | None = None) -> int:
    """Entries older than the retention (STUDIO_AUDIT_RETENTION_DAYS) go; returns how many.
    The cut-off is written first: the database deletes nothing older without it."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STUDIO_AUDIT_RETENTION_DAYS)
    if not AuditEntry.objects.filter(at__lt=cutoff).exists():
        return 0
    with transaction.atomic():
        AuditPurge.objects.create(before=cutoff)
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
