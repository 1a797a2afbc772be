"""A finished one-take spot split back into the board's shots (issue 37, point 4): its planned
cuts moved to the nearest scene change within ±0.5 s (generation/media/splitting.py), and each
shot given its piece as a take of its own: never sent, never billed, marked as cut from the
one-take (`Render.cut_from`, in and out points), with its posters, reviewed and delivered like
any take, its delivered copy signed with the one-take as its parent ingredient. Run in the
queue when the one-take completes; safe to deliver twice (one piece per shot, by constraint)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max

from generation import media, storage
from generation.jobs import posters
from generation.jobs.storing import stored_fields
from generation.media import splitting
from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio import queue
from studio.models import Campaign, Shot, Take
from studio.production.one_take import parts_of_take

logger = logging.getLogger(__name__)


def split_later(render_id: int) -> None:
    """Queue the split (at most once in a few minutes, however often it is asked for)."""
    if cache.add(f"split-one-take:{render_id}", True, timeout=300):
        queue.enqueue("split_one_take", render_id, group="one-take")


def split(render_id: int) -> int:
    """Cut the one-take into its shots' pieces; returns how many pieces were made."""
    take = (
        Take.objects.filter(pk=render_id, status=RenderStatus.COMPLETED, shot__one_take=True)
        .exclude(video_key="")
        .first()
    )
    planned = parts_of_take(take) if take else []
    if take is None or not planned:
        return 0
    shots = Shot.objects.in_bulk([p["shot"] for p in planned])
    made = set(Take.objects.filter(cut_from=take).values_list("shot_id", flat=True))
    if not set(shots) - made:
        return 0
    count = 0
    with storage.temporary_folder("split-") as tmp:
        work = Path(tmp)
        source = storage.fetch(take.video_key)
        try:
            pieces = _pieces(source.path, planned, work)
        except media.MediaError:
            logger.warning("one-take %s could not be split", take.pk, exc_info=True)
            return 0
        finally:
            source.path.unlink(missing_ok=True)
        # Each shot's words of the prompt as sent (a remix's are its own change, whole).
        segments = (take.prompt_json or {}).get("timeline") or []
        for index, (part, piece) in enumerate(zip(planned, pieces, strict=True)):
            shot = shots.get(part["shot"])
            said = segments[index]["action"] if index < len(segments) else take.prompt_text
            if shot is not None and shot.pk not in made:
                count += _keep(take, shot, said, piece)
    return count


def _pieces(video: Path, planned: list[dict], work: Path) -> list[splitting.Piece]:
    """The pieces at the planned cuts (scaled to the file's own length, which a provider may
    make a little longer or shorter than asked), each moved to a scene change near it."""
    duration = media.probe(video).duration_ms / 1000
    scale = duration / (float(planned[-1]["end"]) or duration)
    inner = [round(float(p["end"]) * scale, 3) for p in planned[:-1]]
    cuts = splitting.cut_times(inner, splitting.scene_changes(video))
    return splitting.split(video, cuts, work)


def _keep(take: Render, shot: Shot, segment: str, piece: splitting.Piece) -> int:
    """Store the piece and record it as the shot's newest take (1), or 0 when another
    delivery of the split made it first."""
    info = media.probe(piece.path)
    digest = hashlib.sha256(piece.path.read_bytes()).hexdigest()  # a piece: seconds of video
    prefix = shot.storage_prefix()
    # Its own name per delivery: a second delivery that loses the race deletes only its own.
    key = storage.put(f"{prefix}/piece-{take.pk}-{uuid.uuid4().hex[:12]}.mp4", piece.path)
    try:
        with transaction.atomic():
            Campaign.lock(shot.campaign_id)  # take numbers, as a request makes them
            last = Take.objects.filter(shot=shot).aggregate(m=Max("take"))["m"] or 0
            render = Take.objects.create(
                shot=shot,
                take=last + 1,
                title=shot.title,
                media_prefix=prefix,
                budget_account=take.budget_account,
                created_by_id=take.created_by_id,
                model_key=take.model_key,
                provider=take.provider,
                provider_model=take.provider_model,
                size=take.size,
                seconds=max(1, round(piece.seconds)),
                prompt_text=segment,
                prompt_json={"mode": "layers", "scene": segment},
                audio=take.audio,
                cut_from=take,
                cut_in_ms=round(piece.start * 1000),
                cut_out_ms=round(piece.end * 1000),
                status=RenderStatus.COMPLETED,
                billed=False,  # the one-take was billed; its pieces cost nothing more
                cost_estimate=0,
                cost_actual=0,
                **stored_fields(key, piece.path.stat().st_size, digest, info),
                **posters.due_fields(),
            )
            RenderEvent.objects.create(
                render=render,
                to_status=RenderStatus.COMPLETED,
                kind=EventKind.CREATED,
                detail={"cut_from": take.pk, "copied": piece.copied},
            )
            posters.keep_for_later(render, piece.path)
    except IntegrityError:  # made by another delivery meanwhile
        storage.delete_quietly([key])
        return 0
    return 1
