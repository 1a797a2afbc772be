"""The spot of each format: the campaign's shots in storyboard order, each its cell's hero take
between its in and out points, finished with the campaign's supers, end card and sound to the
format's channel. What goes in is frozen as a plan (plain values for the renderer) under a
signature: the newest spot of a format is stale when the campaign's signature differs. Rendered in
the queue by `render_spot`; a failure is kept on the new spot with its reason, and the spot made
before stays what the page shows and the package delivers."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from c2pa import C2paError
from django.db import transaction
from django.utils import timezone

from generation import finishing, media
from generation.media import typesetting
from generation.media.sound import Loudness
from studio import queue
from studio.models import (
    Campaign,
    Deliverable,
    Finish,
    Format,
    Hook,
    Spot,
    SpotStatus,
    Take,
    VoiceSource,
)
from studio.production.cuts import claim, signed_takes
from studio.production.grid import Grid, grid
from studio.review.status import refresh_status
from studio.team import chat_hooks

logger = logging.getLogger(__name__)
VOICE_OVER = "Voice-over"


def finish_of(campaign: Campaign) -> Finish:
    finish, _ = Finish.objects.select_related(
        "font", "music", "voice_recording", "logo"
    ).get_or_create(campaign=campaign, defaults={"call_to_action": campaign.call_to_action[:120]})
    return finish


@dataclass
class Planned:
    """A format's spot as the campaign holds it now: the plan, or why it cannot be made."""

    format: Format
    plan: dict[str, Any] = field(default_factory=dict)
    signature: str = ""
    missing: list[str] = field(default_factory=list)  # shots with no hero in the format
    problem: str = ""  # text that does not fit, a voice that cannot be made

    @property
    def seconds(self) -> float:
        pieces = self.plan.get("pieces", [])
        card = self.plan.get("card") or {}
        return sum(p["out"] - p["in"] for p in pieces) + card.get("seconds", 0)

    @property
    def channel(self):
        return self.format.channel

    @property
    def too_long(self) -> bool:
        return self.seconds > self.channel.max_seconds

    @property
    def too_short(self) -> bool:
        return bool(self.plan) and self.seconds < self.channel.min_seconds


def hook_shots(campaign: Campaign) -> set[int]:
    """The shots made only to open the spot's versions (hooks), left out of the master."""
    hooks = Hook.objects.filter(campaign=campaign, only_opening=True)
    return set(hooks.values_list("shot_id", flat=True))


def trims_of(campaign: Campaign) -> dict[tuple[int, int], Deliverable]:
    return {
        (d.shot_id, d.format_id): d
        for d in Deliverable.objects.filter(shot__campaign=campaign, trim_of__isnull=False)
    }


def _lines(shot) -> tuple[str, list[str]]:
    """The shot's voice-over line and its other dialogue lines, from its structured prompt."""
    dialogue = ((shot.prompt or {}).get("audio") or {}).get("dialogue") or []
    voice = " ".join(d.get("line", "") for d in dialogue if d.get("speaker") == VOICE_OVER).strip()
    spoken = [
        d.get("line", "") for d in dialogue if d.get("speaker") != VOICE_OVER and d.get("line")
    ]
    return voice, spoken


def _trim(cell_row: Deliverable | None, take: Take) -> tuple[float, float]:
    length = (take.duration_ms or take.seconds * 1000) / 1000
    if cell_row is None or cell_row.trim_of != take.pk:
        return 0.0, length
    start = min(length, (cell_row.in_ms or 0) / 1000)
    end = min(length, (cell_row.out_ms or round(length * 1000)) / 1000)
    return (start, end) if end - start >= 0.2 else (0.0, length)


def piece_of(number: int, shot, take: Take, trim: Deliverable | None) -> dict[str, Any]:
    """A shot's place in a spot: its hero between its in and out points, its super and lines."""
    start, end = _trim(trim, take)
    voice, spoken = _lines(shot)
    return {
        "shot": shot.pk, "number": number, "title": f"{shot.title}, take {take.take}",
        "take": take.pk, "key": "", "in": round(start, 3), "out": round(end, 3),
        "has_audio": bool(take.has_audio), "ai": take.ai_made,
        "super": shot.on_screen_text, "voice": voice, "dialogue": spoken,
    }  # fmt: skip


def signed(planned: Planned, finish: Finish) -> Planned:
    """The plan's signature, and whether its words fit the frame (said as the problem)."""
    planned.signature = hashlib.sha256(
        json.dumps(planned.plan, sort_keys=True, default=str).encode()
    ).hexdigest()
    try:
        font = typesetting.font_file(finish.font.key, finish.font.sha256) if finish.font else None
        finishing.layout(planned.plan, font)
    except typesetting.DoesNotFit as error:
        planned.problem = str(error)
    return planned


def plan(
    campaign: Campaign,
    fmt: Format,
    finish: Finish | None = None,
    the_grid: Grid | None = None,
    trims: dict[tuple[int, int], Deliverable] | None = None,
    hooks: set[int] | None = None,
) -> Planned:
    """The spot `fmt` would be made of now (pass the grid, the trims, the finish and the hooks'
    shots when planning every format: the queries are made once). A hook's shot is another
    opening for the versions (studio/production/versions.py), not a shot of the master."""
    finish = finish or finish_of(campaign)
    channel = fmt.channel
    the_grid = the_grid or grid(campaign)
    trims = trims if trims is not None else trims_of(campaign)
    hooks = hooks if hooks is not None else hook_shots(campaign)
    column = [f.pk for f in the_grid.formats].index(fmt.pk)
    planned = Planned(fmt)
    pieces = []
    for number, (shot, cells) in enumerate(the_grid.rows, start=1):
        if shot.pk in hooks:
            continue
        take = cells[column].hero
        if take is None or not take.video_key:
            planned.missing.append(f"{number}. {shot.title}")
            continue
        pieces.append(piece_of(number, shot, take, trims.get((shot.pk, fmt.pk))))
    if planned.missing or not pieces:
        return planned
    card = None
    if finish.end_card_seconds and (finish.logo_id or finish.call_to_action or finish.legal_line):
        card = {
            "seconds": float(finish.end_card_seconds),
            "background": finish.end_card_background,
            "colour": finish.brand_colour,
            "logo_key": finish.logo.image_key if finish.logo else "",
            "call": finish.call_to_action,
            "legal": finish.legal_line,
        }
    recording = finish.voice_recording if finish.voice == VoiceSource.RECORDING else None
    planned.plan = {
        "channel": channel.key, "aspect": fmt.aspect,
        "width": channel.width, "height": channel.height,
        "fps": min(24, channel.max_fps), "video_kbps": channel.video_kbps,
        "audio_kbps": channel.audio_kbps, "ai_label": fmt.ai_label,
        "safe": list(channel.safe.box(channel.width, channel.height)),
        "pieces": pieces, "card": card,
        "look": {
            "font_key": finish.font.key if finish.font else "",
            "colour": finish.text_colour, "position": finish.super_position,
        },
        "sound": {
            "takes": finish.keep_take_sound,
            "music_key": finish.music.key if finish.music else "",
            "music_type": finish.music.file_type if finish.music else "",
            "voice": finish.voice if finish.voice != VoiceSource.RECORDING or recording else "none",
            "recording_key": recording.key if recording else "",
            "recording_type": recording.file_type if recording else "",
        },
        "captions": {"burn": channel.burn_captions},
        # Normalised half a decibel under the channel's ceiling: AAC's encoding adds a little.
        "loudness": {"lufs": channel.lufs, "true_peak": channel.true_peak - 0.5},
    }  # fmt: skip
    return signed(planned, finish)


@dataclass
class FormatSpot:
    """What the spots page shows of one format."""

    format: Format
    planned: Planned
    latest: Spot | None  # the newest spot (maybe rendering or failed)
    shown: Spot | None  # the newest completed spot

    @property
    def stale(self) -> bool:
        """What the spot shows is not what the campaign holds now (a shot without a hero in
        the format counts: the spot cannot be made as it stands)."""
        planned = self.planned.signature
        return self.shown is not None and (not planned or self.shown.signature != planned)


def spots_of(campaign: Campaign) -> list[FormatSpot]:
    finish = finish_of(campaign)
    formats = list(campaign.formats.all())
    newest: dict[int, Spot] = {}
    done: dict[int, Spot] = {}
    spots = Spot.objects.masters().filter(campaign=campaign).select_related("format")
    for spot in spots.order_by("-created_at", "-pk"):
        newest.setdefault(spot.format_id, spot)
        if spot.status == SpotStatus.COMPLETED:
            done.setdefault(spot.format_id, spot)
    the_grid, trims, hooks = grid(campaign), trims_of(campaign), hook_shots(campaign)
    return [
        FormatSpot(
            fmt,
            plan(campaign, fmt, finish, the_grid, trims, hooks),
            newest.get(fmt.pk),
            done.get(fmt.pk),
        )
        for fmt in formats
    ]


def request_spot(campaign: Campaign, fmt: Format, user=None) -> tuple[Spot | None, str]:
    """The spot of what the campaign holds now: the one made (or being made) of exactly this
    plan, else a new one in the queue. None with the reason when it cannot be made."""
    return request_planned(campaign, plan(campaign, fmt), user)


def request_planned(
    campaign: Campaign, planned: Planned, user=None, market=None, hook=None
) -> tuple[Spot | None, str]:
    """The spot (or the version, for a market and a hook) of `planned`: the one made or being
    made of exactly this plan, else a new one in the queue; None with the reason."""
    fmt = planned.format
    if planned.missing:
        return None, (
            f"{fmt.name}: no hero take in this format for " + ", ".join(planned.missing) + "."
        )
    if not planned.plan:
        return None, f"{fmt.name}: the campaign has no shots yet."
    if planned.problem:
        return None, f"{fmt.name}: {planned.problem}"
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        # The format's newest spot, when it is of exactly this plan and not failed or stuck (an
        # older spot of the same plan is not brought back: the newest is the one shown).
        newest = (
            Spot.objects.filter(format=fmt, market=market, hook=hook)
            .order_by("-created_at", "-pk")
            .first()
        )
        stuck = newest is not None and (
            newest.status == SpotStatus.RENDERING
            and (newest.lease_until is None or newest.lease_until < timezone.now())
        )
        if (
            newest is not None
            and newest.signature == planned.signature
            and newest.status != SpotStatus.FAILED
            and not stuck
        ):
            return newest, ""
        spot = Spot.objects.create(
            campaign=campaign, format=fmt, market=market, hook=hook, plan=planned.plan,
            signature=planned.signature, created_by=user,
        )  # fmt: skip
        queue.enqueue("render_spot", spot.pk, group="spots")
    return spot, ""


def request_all(campaign: Campaign, user=None) -> tuple[list[Spot], list[str]]:
    made, problems = [], []
    for fmt in campaign.formats.all():
        spot, problem = request_spot(campaign, fmt, user)
        if spot is not None:
            made.append(spot)
        else:
            problems.append(problem)
    return made, problems


def render_spot(spot_id: int) -> None:
    """The queue's work: claim the spot, fetch its takes' signed copies, finish, preflight and
    store. A failure is kept on the spot with what to do."""
    if not claim(Spot.objects.all(), spot_id):
        return
    spot = Spot.objects.select_related("campaign__workspace", "format").get(pk=spot_id)
    the_plan = spot.plan
    try:
        takes = signed_takes([p["take"] for p in the_plan["pieces"]])
        for piece in the_plan["pieces"]:
            take = takes.get(piece["take"])
            if take is None or not take.video_key:
                raise finishing.FinishError(
                    f"“{piece['title']}” has no video any more. Choose another hero, then "
                    "make the spot again."
                )
            piece["key"] = take.signed_key or take.video_key
        channel = spot.format.channel
        key = (
            f"{spot.campaign.workspace.slug}/{spot.campaign_id}/spots/"
            f"{channel.slug}-{spot.pk}-{spot.signature[:8]}.mp4"
        )
        title = f"{spot.campaign.name}: {spot.format.name} spot"
        made = finishing.render(the_plan, key, title, channel)
    except finishing.FinishError as error:
        _failed(spot_id, str(error))
        return
    except typesetting.DoesNotFit as error:
        _failed(spot_id, f"{error}")
        return
    except (media.MediaError, OSError, KeyError, ValueError, RuntimeError, C2paError) as error:
        logger.warning("spot %s failed: %s", spot_id, error)
        _failed(
            spot_id,
            "The spot could not be made: one of its pieces or sounds could not be read. Make "
            "it again; if it fails again, check the hero takes play and the music and voice "
            "files are sound.",
        )
        return
    the_plan["text_boxes"] = made.text_boxes
    the_plan["captions_made"] = made.captions
    Spot.objects.filter(pk=spot_id).update(
        status=SpotStatus.COMPLETED, plan=the_plan, video_key=made.video_key,
        thumbnail_key=made.thumbnail_key, srt_key=made.srt_key, vtt_key=made.vtt_key,
        duration_ms=made.duration_ms, bytes=made.bytes, sha256=made.sha256,
        lufs=_figure(made.loudness.integrated, made.loudness),
        true_peak=_figure(made.loudness.true_peak, made.loudness),
        preflight=made.preflight, completed_at=timezone.now(), lease_until=None, error="",
    )  # fmt: skip
    refresh_status(spot.campaign_id)  # a new spot starts unapproved
    chat_hooks.spot_ready(spot)


def _figure(value: float, loudness: Loudness) -> float | None:
    return None if loudness.silent else round(value, 2)


def _failed(spot_id: int, message: str) -> None:
    Spot.objects.filter(pk=spot_id).update(
        status=SpotStatus.FAILED, error=message, lease_until=None
    )
