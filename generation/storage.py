"""Media storage: the team's S3 bucket or a local folder, behind Django's storage API.

Results are streamed to a temporary file while they are hashed (constant memory, any size),
then handed to the storage, which uploads large files in parts.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


@dataclass
class Spooled:
    path: Path
    size: int
    sha256: str


def temp_dir() -> Path:
    path = Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def spool(chunks: Iterable[bytes]) -> Spooled:
    """Write a stream of chunks to a temporary file, hashing as it goes."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=temp_dir(), suffix=".part", delete=False) as handle:
        path = Path(handle.name)
        try:
            for chunk in chunks:
                if not chunk:
                    continue
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Spooled(path, size, digest.hexdigest())


def put(key: str, path: Path) -> str:
    """Store the file at exactly `key`, replacing what an earlier attempt left there."""
    if default_storage.exists(key):
        default_storage.delete(key)
    with path.open("rb") as handle:
        saved = default_storage.save(key, File(handle, name=Path(key).name))
    if saved != key:  # a concurrent writer got there first; keep our name stable
        default_storage.delete(saved)
        raise OSError(f"storage saved {saved!r} instead of {key!r}")
    return saved


def delete_quietly(keys: Iterable[str]) -> None:
    for key in keys:
        if not key:
            continue
        try:
            default_storage.delete(key)
        except Exception:  # noqa: BLE001 - a failed cleanup must not break the caller
            logger.warning("could not delete %s from storage", key, exc_info=True)


def is_remote() -> bool:
    return bool(settings.STUDIO_S3_BUCKET)


def presigned_url(key: str) -> str:
    """A short-lived (at most 15 minutes) URL of a private object in the bucket."""
    return default_storage.url(key)
