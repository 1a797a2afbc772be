"""Reviewing spots as takes are reviewed: members and the client (through a guest link that lets
them) approve a spot or ask for changes, with the campaign's required approvers; time-coded and
range comments that record the shot under them. Only a spot that passes its preflight and shows
what the campaign holds now can be approved; making it again starts its approval afresh."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from generation import text
from studio.models import (
    Campaign,
    ShareLink,
    Spot,
    SpotComment,
    SpotDecision,
    SpotStatus,
    Verdict,
)
from studio.production import spots, versions
from studio.review.comments import MAX_COMMENT, clean_guest_name
from studio.review.states import Approval, required_for
from studio.review.status import refresh_status, spot_approval


@dataclass
class Reviewed:
    """A format's spot as reviewers see it: the spot shown, whether it is current, its
    approval, its decisions and comments."""

    shown: spots.FormatSpot
    approval: Approval
    decisions: list[SpotDecision]
    comments: list[SpotComment]

    @property
    def approved(self) -> bool:
        return (
            self.shown.shown is not None
            and not self.shown.stale
            and self.shown.shown.passes
            and self.approval.verdict == Verdict.APPROVED
        )


def reviewed(campaign: Campaign) -> list[Reviewed]:
    """Every format's spot with its review, in a constant number of queries."""
    formats = spots.spots_of(campaign)
    ids = [f.shown.pk for f in formats if f.shown]
    decisions: dict[int, list[SpotDecision]] = {}
    for decision in SpotDecision.objects.filter(spot_id__in=ids).select_related("reviewer"):
        decisions.setdefault(decision.spot_id, []).append(decision)
    comments: dict[int, list[SpotComment]] = {}
    for comment in SpotComment.objects.filter(spot_id__in=ids).select_related("author", "shot"):
        comments.setdefault(comment.spot_id, []).append(comment)
    required = required_for(campaign.pk)
    out = []
    for shown in formats:
        pk = shown.shown.pk if shown.shown else None
        mine = decisions.get(pk, []) if pk else []
        out.append(
            Reviewed(shown, spot_approval(mine, required), mine, comments.get(pk, []) if pk else [])
        )
    return out


def _decidable(spot: Spot) -> None:
    if spot.status != SpotStatus.COMPLETED:
        raise ValidationError("Only a finished spot can be approved or sent back.")
    if not spot.passes:
        raise ValidationError(
            "This spot fails its channel's preflight: fix what it lists and make it again "
            "before it is approved."
        )
    newest = (
        Spot.objects.filter(
            format_id=spot.format_id,
            market=spot.market,
            hook=spot.hook,
            status=SpotStatus.COMPLETED,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != spot.pk:
        raise ValidationError("A newer spot of this format was made since: decide on that one.")
    if spot.market_id or spot.hook_id:  # a version: as its market and hook make it now
        ctx = versions.Context.of(spot.campaign)
        current = versions.plan(spot.campaign, spot.format, spot.market, spot.hook, ctx).signature
    else:
        current = spots.plan(spot.campaign, spot.format).signature
    if current != spot.signature:
        raise ValidationError(
            "This spot is stale (something in it changed since it was made): make it again, "
            "then approve the new one."
        )


def decide(
    spot: Spot, verdict: str, note: str = "", reviewer=None, link=None, name=""
) -> SpotDecision:
    """A member's decision (reviewer), or the client's through `link` under `name`."""
    if verdict not in Verdict.values:
        raise ValidationError("Choose approve or request changes.")
    _decidable(spot)
    note = text.typed(note or "", multiline=True)[:2000]
    if reviewer is None:
        name = clean_guest_name(name)
        if not name:
            raise ValidationError("Tell us your name so the team knows who decided.")
    decision = SpotDecision.objects.create(
        spot=spot, reviewer=reviewer, guest_name="" if reviewer else name,
        share_link=link, verdict=verdict, note=note,
    )  # fmt: skip
    refresh_status(spot.campaign_id)
    return decision


def decide_shown(link: ShareLink, verdict: str, note: str, name: str) -> list[SpotDecision]:
    """The client's decision on every spot `link` shows, all or none."""
    with transaction.atomic():
        return [
            decide(r.shown.shown, verdict, note, link=link, name=name)
            for r in for_guest(link)
            if r.shown.shown is not None
        ]


def shot_at(spot: Spot, at_ms: int) -> int | None:
    """The shot whose piece plays at `at_ms` into the spot (None on the end card)."""
    start = 0.0
    for piece in spot.plan.get("pieces", []):
        length = piece["out"] - piece["in"]
        if start * 1000 <= at_ms < (start + length) * 1000:
            return piece["shot"]
        start += length
    return None


def comment(
    spot: Spot, body: str, *, author=None, guest_name: str = "", link: ShareLink | None = None,
    timecode_ms: int | None = None, end_ms: int | None = None, visible_to_guests: bool = False,
    drawing: list | None = None,
) -> SpotComment:  # fmt: skip
    body = text.typed(body or "", multiline=True)
    if not body.strip():
        raise ValidationError("Write something first.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"Keep comments under {MAX_COMMENT} characters.")
    length = spot.duration_ms or 0
    if timecode_ms is not None and not 0 <= timecode_ms <= length:
        raise ValidationError("The timecode is outside the spot.")
    if end_ms is not None and (timecode_ms is None or not timecode_ms < end_ms <= length):
        raise ValidationError(
            "A range runs from its in point (At) to a later out point in the spot."
        )
    if drawing and timecode_ms is None:
        raise ValidationError("A drawing belongs to a frame: give its timecode (At).")
    if author is None and not clean_guest_name(guest_name):
        raise ValidationError("Tell us your name so the team knows who commented.")
    shot_id = shot_at(spot, timecode_ms) if timecode_ms is not None else None
    return SpotComment.objects.create(
        spot=spot, shot_id=shot_id, author=author,
        guest_name="" if author else clean_guest_name(guest_name), share_link=link, body=body,
        timecode_ms=timecode_ms, end_ms=end_ms, drawing=drawing or [],
        visible_to_guests=visible_to_guests or author is None,  # a guest's is seen by guests
    )  # fmt: skip


def for_guest(link: ShareLink) -> list[Reviewed]:
    """The spots a campaign link shows its guest, first: current ones that pass preflight (a
    market's link: that market's versions)."""
    if link.shot_id:
        return []
    shown = reviewed(link.campaign) if link.market is None else _market(link.campaign, link.market)
    return [
        r for r in shown
        if r.shown.shown is not None and not r.shown.stale and r.shown.shown.passes
    ]  # fmt: skip


def _market(campaign: Campaign, market) -> list[Reviewed]:
    """A market's versions, reviewed as the spots are (the newest of each channel and hook)."""
    out = []
    for cell in versions.cells(campaign):
        if cell.market != market or cell.approval is None or cell.latest is None:
            continue  # another market's, or none made yet
        done = cell.latest if cell.latest.status == SpotStatus.COMPLETED else None
        formatted = spots.FormatSpot(cell.format, cell.planned, cell.latest, done)
        out.append(Reviewed(formatted, cell.approval, cell.decisions, []))
    return out
