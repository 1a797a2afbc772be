"""A take's Content Credentials: read when it is stored (`read_at_store`: what the file carries,
its original bytes untouched), and its delivered copies, made in the queue when it is approved
or delivered (`sign`), never in a request and never on the path to playable: a file with valid
credentials that the studio did not change is delivered byte for byte; any other file is signed
as made by its model through its provider (or, for the animatic, as the studio's own digital
creation). The labelled copy (a visible "AI-generated" label burned in, per format) is signed
as an edit of what it came from. A failed signature loses nothing: the take stays stored and
the copy is made again on the next request for it."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.db import transaction

from generation import catalog, storage
from generation.media.labels import burn_label
from generation.models import Render, RenderStatus
from generation.provenance import keys, manifests

logger = logging.getLogger(__name__)


def made_of(render: Render) -> manifests.Made:
    model = catalog.get(render.model_key)
    return manifests.Made(
        title=render.title or f"Take {render.take}",
        model=model.label if model else render.model_key,
        provider=catalog.PROVIDER_LABELS.get(render.provider, render.provider),
        job_id=render.provider_job_id,
        prompt_sha256=hashlib.sha256(render.prompt_text.encode()).hexdigest(),
        ai=catalog.ai_made(render.provider),
    )


def _prefix(render: Render) -> str:
    return f"{render.media_prefix or f'shot-{render.shot_id}'}/take-{render.take}-{render.pk}"


def _copy(
    path: Path, key: str, name: str, work: Path, credentials: manifests.Credentials
) -> dict[str, Any]:
    """A delivered copy stored at `name`.mp4 (or already stored at `key`: the take itself),
    its manifest store at `name`.c2pa, with who signed it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    sidecar = work / f"{path.stem}.c2pa"
    sidecar.write_bytes(manifests.manifest_store(path))
    return {
        "key": key or storage.put(f"{name}.mp4", path),
        "c2pa": storage.put(f"{name}.c2pa", sidecar),
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
        "state": credentials.state,
        "signer": credentials.signer,
        "local": credentials.local,
    }


def _ours(identity: keys.Identity) -> manifests.Credentials:
    """A file the studio just signed (valid by construction: not read back on the hot path)."""
    return manifests.Credentials("valid", signer=identity.name, local=identity.local)


def signed_copy(
    render: Render,
    video: Path,
    video_key: str,
    work: Path,
    credentials: manifests.Credentials | None = None,
) -> dict[str, Any]:
    """The copy delivered of `video`: itself when it carries valid credentials, else signed.
    `credentials`: what `video` carries, when it was read already."""
    if render.cut_from_id:  # a piece of a one-take: an edit of that take's delivered copy
        return _piece_copy(render, video, work)
    credentials = credentials or manifests.read(video)[0]
    if credentials.carries:
        return _copy(video, video_key, _prefix(render), work, credentials)
    signed = work / "signed.mp4"
    identity = manifests.sign_take(video, signed, made_of(render))
    return _copy(signed, "", f"{_prefix(render)}-signed", work, _ours(identity))


def _piece_copy(render: Render, video: Path, work: Path) -> dict[str, Any]:
    parent = render.cut_from
    assert parent is not None  # a piece names its one-take
    if not parent.delivered():
        sign(parent.pk)
        parent.refresh_from_db()
    if not parent.delivered():
        raise RuntimeError(f"the one-take {parent.pk} has no delivered copy to cite")
    source = storage.fetch(parent.delivered()["key"])
    try:
        out = work / "piece-signed.mp4"
        identity = manifests.sign_piece(source.path, video, out, made_of(render).title)
    finally:
        source.path.unlink(missing_ok=True)
    return _copy(out, "", f"{_prefix(render)}-signed", work, _ours(identity))


def labelled_copy(render: Render, signed: Path, work: Path) -> dict[str, Any]:
    """The labelled copy of the take whose delivered copy is `signed`: an edit of it, which
    stays its parent ingredient with its own manifest (the history is kept)."""
    burned = burn_label(signed, work / "burned.mp4")
    out = work / "labelled.mp4"
    identity = manifests.sign_edit(signed, burned, out, made_of(render).title)
    return _copy(out, "", f"{_prefix(render)}-labelled", work, _ours(identity))


def read_at_store(video: Path) -> dict[str, Any]:
    """At store: what `video` carries (a file without a manifest is answered at once)."""
    return {"credentials": manifests.read(video)[0].as_dict()}


def sign(render_id: int, labelled: bool = False) -> None:
    """Make the take's missing delivered copy (the task `generation.tasks.sign`). Delivered
    twice, the second finds the copy made and does nothing."""
    render = Render.objects.filter(pk=render_id, status=RenderStatus.COMPLETED).first()
    if render is None or not render.video_key or render.delivered(labelled):
        return
    try:
        made = _made(render, labelled)
    except Exception:  # a signer misconfigured, a file c2pa cannot read: made again when asked
        logger.warning("signing take %s failed", render.pk, exc_info=True)
        return
    with transaction.atomic():  # two copies made at once both land
        row = Render.objects.select_for_update().get(pk=render.pk)
        copies = dict(row.copies or {})
        copies.update({k: v for k, v in made.items() if k in ("signed", "labelled")})
        fields: dict[str, Any] = {"copies": copies}
        if "credentials" in made:
            fields["credentials"] = made["credentials"]
        Render.objects.filter(pk=render.pk).update(**fields)


def _made(render: Render, labelled: bool) -> dict[str, Any]:
    made: dict[str, Any] = {}
    with storage.temporary_folder("sign-") as tmp:
        work = Path(tmp)
        signed = render.delivered()
        source = storage.fetch(signed.get("key") or render.video_key)
        try:
            if not signed:  # what the take carries: read at store, else now (once)
                if render.credentials:
                    carried = manifests.Credentials(**render.credentials)
                else:
                    carried = manifests.read(source.path)[0]
                    made["credentials"] = carried.as_dict()
                made["signed"] = signed_copy(render, source.path, render.video_key, work, carried)
            if labelled:
                if made.get("signed") and made["signed"]["key"] != render.video_key:
                    source.path.unlink(missing_ok=True)
                    source = storage.fetch(made["signed"]["key"])
                made["labelled"] = labelled_copy(render, source.path, work)
        finally:
            source.path.unlink(missing_ok=True)
    return made
