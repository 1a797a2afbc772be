"""The workspace's brand files for finishing spots: a font (TrueType or OpenType) and sounds (a
music bed, a recorded voice-over: WAV, MP3, AAC, FLAC or M4A). Each is checked by its content,
never by its name: a font must open as a font, a sound must start as its format does and decode
to sound. Nothing is stored when the check fails."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from PIL import ImageFont

from generation import media, storage
from generation.media import sound
from studio.models import BrandFile, BrandFileKind, Workspace

MAX_SOUND_SECONDS = 600


def _sniff_font(head: bytes) -> str:
    if head[:4] == b"OTTO":
        return "otf"
    if head[:4] in (b"\x00\x01\x00\x00", b"true"):
        return "ttf"
    return ""


def add(workspace: Workspace, upload, name: str, kind: str, user) -> BrandFile:
    """Check `upload` as a `kind` file and store it. Raises ValidationError saying what the
    file is not."""
    if kind not in BrandFileKind.values:
        raise ValidationError("Choose a font, a music bed or a voice-over recording.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if len(head) < 12:
        raise ValidationError("This file is empty or too short to be a font or a sound.")
    seconds = None
    if kind == BrandFileKind.FONT:
        file_type = _sniff_font(head)
        if not file_type or not _opens_as_font(upload):
            raise ValidationError(
                "This file is not a font. Upload a TrueType (.ttf) or OpenType (.otf) font."
            )
    else:
        file_type = sound.sniff(head)
        if not file_type:
            raise ValidationError("This file is not sound. Upload WAV, MP3, AAC, FLAC or M4A.")
        seconds = _sound_seconds(upload, file_type)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    key = default_storage.save(
        f"{workspace.slug}/brand/{kind}-{uuid.uuid4().hex[:12]}.{file_type}", File(upload)
    )
    return BrandFile.objects.create(
        workspace=workspace,
        kind=kind,
        name=(name or Path(getattr(upload, "name", "") or kind).stem)[:120],
        key=key,
        file_type=file_type,
        sha256=digest.hexdigest(),
        bytes=upload.size,
        duration_ms=round(seconds * 1000) if seconds is not None else None,
        created_by=user,
    )


def _opens_as_font(upload) -> bool:
    upload.seek(0)
    try:
        face = ImageFont.truetype(upload, 24)
        face.getbbox("Ag")
    except (OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def _sound_seconds(upload, file_type: str) -> float:
    """Decode the whole file with ffmpeg: what does not decode to sound is refused."""
    with storage.temporary_folder("sound-") as tmp:
        path = Path(tmp) / f"upload.{file_type}"
        upload.seek(0)
        with path.open("wb") as out:
            for chunk in iter(lambda: upload.read(1024 * 1024), b""):
                out.write(chunk)
        upload.seek(0)
        try:
            seconds = sound.audio_seconds(path)
        except media.MediaError:
            raise ValidationError(
                "This file does not play as sound. Upload WAV, MP3, AAC, FLAC or M4A."
            ) from None
    if seconds <= 0.1:
        raise ValidationError("This sound is silent or too short to use.")
    if seconds > MAX_SOUND_SECONDS:
        raise ValidationError("This sound is longer than ten minutes; a spot needs less.")
    return seconds
