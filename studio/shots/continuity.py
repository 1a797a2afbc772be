"""Continuity between shots and brand assets as frames: "continue from the previous shot" (the
exact last frame of its hero take becomes this shot's first frame), "bridge" (and the next shot's
first frame becomes this one's last, where the model takes one), and assets attached as first or
last frame. Every image is fitted to the shot's size."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from generation import catalog, media, storage
from generation.models import Render, RenderStatus
from studio.images import check_image
from studio.models import Asset, Shot


class ContinuityError(Exception):
    """Why a frame could not be taken (said to the user as it is)."""


def _neighbour(shot: Shot, later: bool) -> Shot | None:
    siblings = list(Shot.objects.filter(campaign_id=shot.campaign_id).order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == shot.pk)
    other = index + 1 if later else index - 1
    return siblings[other] if 0 <= other < len(siblings) else None


def _source_take(shot: Shot) -> Render:
    take = shot.representative_take(shot.renders.filter(status=RenderStatus.COMPLETED))
    if take is None or not take.video_key:
        raise ContinuityError(f"“{shot.title}” has no finished take to take a frame from.")
    return take


def _frame_of(take: Render, last: bool) -> bytes:
    copy = storage.fetch(take.video_key)
    try:
        with storage.temporary_folder() as tmp:
            out = Path(tmp) / "frame.png"
            (media.last_frame if last else media.first_frame)(copy.path, out)
            return out.read_bytes()
    except media.MediaError as error:
        raise ContinuityError(f"Could not read the frame: {error}") from None
    finally:
        copy.path.unlink(missing_ok=True)


def continue_from_previous(shot: Shot) -> Render:
    """The last frame of the previous shot's hero take (else its newest finished take) becomes
    this shot's first frame. Returns the take it came from."""
    previous = _neighbour(shot, later=False)
    if previous is None:
        raise ContinuityError("This is the first shot: there is no previous shot to continue.")
    take = _source_take(previous)
    data = _frame_of(take, last=True)
    size = (
        (take.width, take.height) if take.width and take.height else catalog.parse_size(take.size)
    )
    shot.set_first_frame(
        data, size, f"Last frame of shot {previous.position} “{previous.title}”, take {take.take}"
    )
    return take


def bridge(shot: Shot) -> tuple[Render, Render]:
    """Continue from the previous shot and end on the next shot's first frame."""
    model = catalog.get(shot.model_key)
    if model is None or "last" not in model.frames:
        label = model.label if model else shot.model_key
        raise ContinuityError(f"{label} takes no last frame, so it cannot bridge two shots.")
    following = _neighbour(shot, later=True)
    if following is None:
        raise ContinuityError("This is the last shot: there is no next shot to bridge to.")
    end_take = _source_take(following)
    start_take = continue_from_previous(shot)
    shot.set_last_frame(
        _frame_of(end_take, last=False),
        f"First frame of shot {following.position} “{following.title}”, take {end_take.take}",
    )
    return start_take, end_take


def attach_asset(shot: Shot, asset: Asset, which: str) -> None:
    """Use a brand asset as the shot's first or last frame (where its model takes one)."""
    model = catalog.get(shot.model_key)
    if which not in ("first", "last") or model is None or which not in model.frames:
        label = model.label if model else shot.model_key
        raise ContinuityError(f"{label} takes no {which} frame image.")
    with default_storage.open(asset.image_key, "rb") as handle:
        data = handle.read()
    source = f"Asset “{asset.name}”"
    if which == "first":
        shot.set_first_frame(data, (asset.width, asset.height), source)
    else:
        shot.set_last_frame(data, source)


def add_asset(workspace, upload, name: str, kind: str, user) -> Asset:
    """A new brand asset from an upload, checked by its content like every image."""
    info = check_image(upload)  # raises ValidationError with the reason
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationError("Give the asset a name, such as “Bottle, front”.")
    upload.seek(0)
    data = upload.read()
    key = default_storage.save(
        f"{workspace.slug}/assets/{uuid.uuid4().hex[:12]}.{info.extension}", ContentFile(data)
    )
    return Asset.objects.create(
        workspace=workspace,
        name=name,
        kind=kind,
        image_key=key,
        width=info.width,
        height=info.height,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=user,
    )
