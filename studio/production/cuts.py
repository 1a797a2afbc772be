"""Cuts of a campaign: the rough cut of one format (its cells' hero takes in shot order) and the
storyboard animatic (each shot's hero take, else its newest finished take, else its animatic
rendered on the spot). Requested here, rendered in the queue by `render_cut`, stored like a take;
made again when a hero changes."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from datetime import timedelta

from c2pa import C2paError
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from generation import catalog, media
from generation.jobs import signing
from generation.media import cutting
from studio import queue
from studio.models import Campaign, Cut, CutKind, CutStatus, Format, Take
from studio.production.grid import grid

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    """As long as a task may run: a cut whose worker died is claimable again when django-q2
    delivers the task anew (its `retry` is longer than its `timeout`)."""
    return timedelta(seconds=settings.Q_CLUSTER.get("timeout", 300))


def claim(rows: QuerySet, pk: int) -> bool:
    """Take a render (a cut, a spot: "queued" → "rendering" under a lease) for this worker: a
    second delivery finds it taken or done; one whose worker died is claimable again once its
    lease is over."""
    now = timezone.now()
    return bool(
        rows.filter(
            Q(status=CutStatus.QUEUED) | Q(status=CutStatus.RENDERING, lease_until__lt=now), pk=pk
        ).update(status=CutStatus.RENDERING, lease_until=now + _lease())
    )


DEFAULT_SIZES = {
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
    "7:4": (1792, 1024),
}


def _sources(
    campaign: Campaign, fmt: Format | None, shots: list[int] | None = None
) -> tuple[list[dict], list[dict]]:
    """What goes into the cut, in shot order, and the shots left out (no hero in the format).
    `shots`: only these, each by its own takes (a per-shot edit: no piece of a one-take)."""
    the_grid = grid(campaign)
    column = the_grid.formats.index(fmt) if fmt is not None else None
    sources, missing = [], []
    for number, (shot, cells) in enumerate(the_grid.rows, start=1):
        if shots is not None and shot.pk not in shots:
            continue
        base = {"shot": shot.pk, "number": number, "title": shot.title}
        takes = the_grid.takes.get(shot.pk, [])
        if shots is not None:
            takes = [t for t in takes if not t.cut_from_id]
        # A format's hero; else the shot's hero if it is finished, else its newest finished take.
        take = cells[column].hero if column is not None else shot.representative_take(takes)
        if take is not None:
            sources.append(
                {
                    **base,
                    "take": take.pk,
                    "take_number": take.take,
                    "seconds": (take.duration_ms or take.seconds * 1000) / 1000,
                }
            )
        elif fmt is None:
            sources.append(
                {
                    **base,
                    "take": None,
                    "take_number": None,
                    "seconds": shot.seconds,
                    "prompt": shot.compiled_prompt(),
                    "structure": shot.prompt or {},
                }
            )
        else:
            missing.append(base)
    return sources, missing


def _size(fmt: Format | None, sources: list[dict], campaign: Campaign) -> tuple[int, int]:
    aspect = fmt.aspect if fmt else (campaign.target_formats or ["16:9"])[0]
    takes = Take.objects.filter(pk__in=[s["take"] for s in sources if s["take"]])
    sizes = Counter(
        (t.width, t.height)
        for t in takes.only("width", "height", "size")
        if t.width and t.height and catalog.matches_aspect(f"{t.width}x{t.height}", aspect)
    )
    if sizes:
        width, height = sizes.most_common(1)[0][0]
        return width - width % 2, height - height % 2
    return DEFAULT_SIZES.get(aspect, (1280, 720))


def request_cut(
    campaign: Campaign, fmt: Format | None, user=None, shots: list[int] | None = None
) -> Cut | None:
    """A cut of what the campaign holds now: the cut already made (or being made) of exactly
    these takes, else a new one in the queue. None when no shot has anything to show.
    `shots`: the per-shot edit of these shots (each its hero, else its newest take, else its
    animatic; never a piece of a one-take)."""
    sources, missing = _sources(campaign, fmt, shots)
    if not sources:
        return None
    width, height = _size(fmt, sources, campaign)
    kind = CutKind.PER_SHOT if shots is not None else CutKind.ROUGH if fmt else CutKind.STORYBOARD
    signature = hashlib.sha256(
        json.dumps([kind, width, height, sources], sort_keys=True, default=str).encode()
    ).hexdigest()
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        stuck = Q(status=CutStatus.RENDERING, lease_until__lt=timezone.now())
        same = (
            Cut.objects.filter(campaign=campaign, format=fmt, kind=kind, signature=signature)
            .exclude(status=CutStatus.FAILED)
            .exclude(stuck)
            .first()
        )
        if same:
            return same
        cut = Cut.objects.create(
            campaign=campaign,
            format=fmt,
            kind=kind,
            sources=sources,
            missing=missing,
            signature=signature,
            width=width,
            height=height,
            created_by=user,
        )
        queue.enqueue("render_cut", cut.pk, group="cuts")
    return cut


def recut(campaign_id: int) -> list[Cut]:
    """A hero changed: every format (and the storyboard) that has a cut gets one of what it
    holds now; cuts of unchanged takes are found, not made again."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return []
    made = []
    cuts = Cut.objects.filter(campaign=campaign).exclude(kind=CutKind.PER_SHOT)  # made on asking
    cut_formats = set(cuts.values_list("format_id", flat=True))
    for fmt in [*campaign.formats.filter(pk__in=cut_formats), None]:
        if fmt is None and None not in cut_formats:
            continue
        cut = request_cut(campaign, fmt)
        if cut is not None:
            made.append(cut)
    return made


def render_cut(cut_id: int) -> None:
    """The queue's work: claim the cut (a second delivery finds it taken or done), join its
    pieces, store the result. A failure is kept on the cut with its reason."""
    if not claim(Cut.objects.all(), cut_id):
        return
    cut = Cut.objects.select_related("campaign__workspace").get(pk=cut_id)
    try:
        takes = signed_takes([s["take"] for s in cut.sources if s["take"]])
        pieces = [_piece(source, takes, cut) for source in cut.sources]
        key = (
            f"{cut.campaign.workspace.slug}/{cut.campaign_id}/cuts/"
            f"{cut.kind}-{cut.pk}-{cut.signature[:8]}.mp4"
        )
        made = cutting.make_cut(
            pieces,
            key,
            cut.width,
            cut.height,
            cut.fps,
            title=f"{cut.campaign.name}: {cut.get_kind_display()}",
        )
    except (media.MediaError, OSError, KeyError, TakeGone, RuntimeError, C2paError) as error:
        # The person reads what to do; ffmpeg's words (and the server's paths) go to the log.
        logger.warning("rough cut %s failed: %s", cut_id, error)
        Cut.objects.filter(pk=cut_id).update(
            status=CutStatus.FAILED, error=_failure_message(error), lease_until=None
        )
        return
    Cut.objects.filter(pk=cut_id).update(
        status=CutStatus.COMPLETED,
        video_key=made.video_key,
        thumbnail_key=made.thumbnail_key,
        duration_ms=made.duration_ms,
        bytes=made.bytes,
        sha256=made.sha256,
        completed_at=timezone.now(),
        lease_until=None,
        error="",
    )


def _failure_message(error: Exception) -> str:
    if isinstance(error, TakeGone):
        return f"{error} Choose another hero take for that shot, then make the cut again."
    return (
        "The rough cut could not be made: one of its takes could not be read or joined. Make "
        "the cut again; if it fails again, open the shots' hero takes to check they play."
    )


class TakeGone(Exception):
    """A take the cut was planned with has no video any more."""


def _piece(source: dict, takes: dict[int, Take], cut: Cut) -> cutting.Piece:
    if source["take"] is None:
        return cutting.Piece(
            seconds=source["seconds"],
            animatic={
                "title": source["title"],
                "prompt": source["prompt"],
                "seconds": source["seconds"],
                "audio": True,
                "structure": source.get("structure") or {},
            },
        )
    take = takes.get(source["take"])
    if take is None or not take.video_key:
        raise TakeGone(f"Take {source['take_number']} of “{source['title']}” is gone.")
    return cutting.Piece(
        source["seconds"],
        take.signed_key or take.video_key,  # with its credentials, the cut's ingredient
        bool(take.has_audio),
        title=f"{source['title']}, take {source['take_number']}",
        ai=take.ai_made,
    )


def signed_takes(ids: list[int]) -> dict[int, Take]:
    """The cut's takes, each with its signed copy (made here, in the queue, where missing)."""
    takes = Take.objects.in_bulk(ids)
    unsigned = [pk for pk, take in takes.items() if take.video_key and not take.signed_key]
    for pk in unsigned:
        signing.sign(pk)
    return Take.objects.in_bulk(ids) if unsigned else takes
