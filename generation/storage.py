"""Media storage: the team's S3 bucket or a local folder, behind Django's storage API.

Results are streamed to a temporary file while they are hashed (constant memory, any size),
then handed to the storage, which uploads large files in parts.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

from generation import liveness

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


STALE_TEMP = 3600  # seconds without a write: the download's worker is gone


def writer_mark() -> str:
    """The prefix of a temporary file or folder this process writes: its mark, so a starting
    cluster can tell what no live process is writing."""
    return liveness.mark()


def temporary_folder(kind: str = "") -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for one piece of work (a cut, a signing), marked with its writer."""
    return tempfile.TemporaryDirectory(dir=temp_dir(), prefix=f"{writer_mark()}{kind}")


def clean_stale_temp(now: float | None = None) -> int:
    """Remove temporary files and folders whose writer on this machine is dead (a download or a
    cut killed mid-way), and any that nothing has written for an hour."""
    limit = (now or time.time()) - STALE_TEMP
    removed = 0
    for path in temp_dir().iterdir():
        try:
            if not (liveness.is_dead(path.name) or path.stat().st_mtime < limit):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
            removed += 1
        except FileNotFoundError:
            continue  # another worker cleaned it first
    return removed


def spool(chunks: Iterable[bytes]) -> Spooled:
    """Write a stream of chunks to a temporary file, hashing as it goes."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(
        dir=temp_dir(), prefix=writer_mark(), suffix=".part", delete=False
    ) as handle:
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
    """Store the file at exactly `key`, replacing what an earlier attempt left there. In the
    bucket one PUT replaces an object whole, so the key is written as it is, without the
    existence checks Storage.save makes (each is a round trip); on the local disk an earlier
    file is removed first."""
    if is_remote():
        with path.open("rb") as handle:
            # The storage's own upload under exactly this name (save() would look for a free one).
            return str(_backend()._save(key, File(handle, name=Path(key).name)))
    if default_storage.exists(key):
        default_storage.delete(key)
    with path.open("rb") as handle:
        saved = default_storage.save(key, File(handle, name=Path(key).name))
    if saved != key:  # a concurrent writer got there first; keep our name stable
        default_storage.delete(saved)
        raise OSError(f"storage saved {saved!r} instead of {key!r}")
    return saved


def read(key: str, block: int = 1024 * 1024) -> Iterator[bytes]:
    """The stored object's bytes in blocks (constant memory, any size). From the bucket, the
    object's body is read as it arrives (django-storages' file would first copy it whole to a
    temporary file)."""
    if is_remote():
        # The storage's own key for the name (with its `location` prefix, if one is set).
        name = _backend()._normalize_name(key)
        body = _backend().bucket.Object(name).get()["Body"]
        try:
            yield from body.iter_chunks(block)
        finally:
            body.close()
        return
    handle = default_storage.open(key, "rb")
    yield from _chunks(handle, default_storage.size(key), block)


def fetch(key: str) -> Spooled:
    """A temporary local copy of a stored object (ffmpeg reads files); delete it after."""
    return spool(read(key))


def delete_quietly(keys: Iterable[str]) -> None:
    for key in keys:
        if not key:
            continue
        try:
            default_storage.delete(key)
        except Exception:
            logger.warning("could not delete %s from storage", key, exc_info=True)


def _backend() -> Any:
    """The storage backend itself, for what only it has (the S3 backend's bucket, its
    upload under an exact name, presigned URL parameters): the Storage API lacks them."""
    return default_storage


def is_remote() -> bool:
    return bool(settings.STUDIO_S3_BUCKET)


def presigned_url(key: str, download_as: str = "") -> str:
    """A short-lived (at most 15 minutes) URL of a private object in the bucket; with
    `download_as`, the browser saves it under that name."""
    if download_as:
        return str(
            _backend().url(key, parameters={"ResponseContentDisposition": _attachment(download_as)})
        )
    return default_storage.url(key)


def _attachment(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "download"
    return f'attachment; filename="{safe}"'


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.ASCII)


def serve(
    request: HttpRequest, key: str, cache_seconds: int = 3600, download_as: str = ""
) -> HttpResponseBase:
    """A stored file to the browser, the one way every view serves media: a fresh presigned
    URL when it lives in the bucket, else the local file streamed with Range support so a
    player can seek. 404 when it is gone. With `download_as`, saved under that name."""
    if is_remote():
        response: HttpResponseBase = HttpResponseRedirect(presigned_url(key, download_as))
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        size = default_storage.size(key)
        handle = default_storage.open(key, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    start, end, status = _range(request.headers.get("Range", ""), size)
    if status == 416:
        handle.close()
        return _unsatisfiable(size)
    handle.seek(start)
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    response = StreamingHttpResponse(
        _chunks(handle, end - start + 1), status=status, content_type=content_type
    )
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if download_as:
        response["Content-Disposition"] = _attachment(download_as)
    response["Cache-Control"] = f"private, max-age={cache_seconds}"
    response["X-Content-Type-Options"] = "nosniff"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _range(header: str, size: int) -> tuple[int, int, int]:
    """(start, end, status) for a Range header. One that does not parse is ignored (RFC 9110
    §14.2): the whole file is sent."""
    match = RANGE.match(header.strip()) if header else None
    if not match or match.groups() == ("", ""):
        return 0, size - 1, 200
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return 0, 0, 416
    return start, end, 206


def _chunks(handle: Any, remaining: int, block: int = 512 * 1024) -> Iterator[bytes]:
    try:
        while remaining > 0:
            data = handle.read(min(block, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(
        f"The requested range is outside the file ({size} bytes).",
        status=416,
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Range"] = f"bytes */{size}"
    return response
