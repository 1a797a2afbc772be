"""Content Credentials (C2PA) on MP4 files, through c2pa-python: read and validate what a file
carries, and sign what the studio makes — a take made by a model (`trainedAlgorithmicMedia`), a
composite of takes (`compositeWithTrainedAlgorithmicMedia`, each take a `componentOf`
ingredient with its own manifest and one `c2pa.placed` action), the studio's own animatic
(`digitalCreation`: not AI-generated), an edit (a burned-in label) on a signed file.

Plain values in, files on local disk: generation never reads a studio model."""

from __future__ import annotations

import io
import json
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import c2pa
from django.conf import settings

from generation.provenance import keys

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_MADE = IPTC + "trainedAlgorithmicMedia"
COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
DIGITAL = IPTC + "digitalCreation"
GENERATOR = [{"name": "Reelroom", "version": "1.0"}]
MP4 = "video/mp4"
# The C2PA box of an ISO BMFF file (C2PA spec, A.5: uuid box, purpose "manifest").
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


@dataclass
class Credentials:
    """What a file's Content Credentials say, for a take's page and the package."""

    state: str  # "none" | "valid" | "trusted" | "invalid"
    signer: str = ""
    issuer: str = ""
    generator: str = ""
    ai_generated: bool | None = None  # as the manifest declares it; None: it does not say
    local: bool = False  # signed by the studio's own test CA (valid, trusted by nobody)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def signed_by(self) -> str:
        return signed_by(self.signer, self.issuer)

    @property
    def carries(self) -> bool:
        """Signed and intact: delivered as it is, byte for byte."""
        return self.state in ("valid", "trusted")


def _context() -> c2pa.Context | None:
    anchors = settings.STUDIO_C2PA_TRUST_ANCHORS
    if not anchors:
        return None
    pem = keys._pem(anchors).decode()
    return c2pa.Context(c2pa.Settings.from_dict({"trust": {"trust_anchors": pem}}))


def _store_json(stream: BinaryIO) -> dict[str, Any] | None:
    """The manifest store as JSON, or None when the file carries none."""
    reader = c2pa.Reader.try_create(MP4, stream, context=_context())
    if reader is None:
        return None
    with reader:
        return dict(json.loads(reader.json()))


def _errors(store: dict[str, Any]) -> list[str]:
    results = store.get("validation_results") or {}
    failures = (results.get("activeManifest") or {}).get("failure") or []
    failures += store.get("validation_status") or []
    said = []
    for item in failures:
        if item.get("code") == "signingCredential.untrusted":
            continue  # said as "untrusted", not as an error
        text = f"{item.get('code')}: {item.get('explanation', '')}".strip(": ")
        if text not in said:
            said.append(text)
    return said


def _source_types(manifest: dict[str, Any]) -> list[str]:
    found = []
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                if action.get("digitalSourceType"):
                    found.append(action["digitalSourceType"])
    return found


def read_stream(stream: BinaryIO) -> tuple[Credentials, dict[str, Any] | None]:
    """(summary, whole manifest store) of an MP4 read from `stream`."""
    try:
        store = _store_json(stream)
    except c2pa.C2paError as error:
        return Credentials("invalid", errors=[str(error)[:300]]), None
    if store is None:
        return Credentials("none"), None
    active = (store.get("manifests") or {}).get(store.get("active_manifest") or "") or {}
    info = active.get("signature_info") or {}
    generators = active.get("claim_generator_info") or [{}]
    state = {"Trusted": "trusted", "Valid": "valid"}.get(store.get("validation_state", ""))
    types = _source_types(active)
    summary = Credentials(
        state=state or "invalid",
        signer=str(info.get("common_name") or ""),
        issuer=str(info.get("issuer") or ""),
        generator=str(generators[0].get("name") or active.get("claim_generator") or ""),
        ai_generated=any("TrainedAlgorithmic" in t or "trainedAlgorithmic" in t for t in types)
        if types
        else None,
        local=str(info.get("issuer") or "") == keys.LOCAL_ORG,
        errors=_errors(store),
    )
    return summary, store


def read(path: Path) -> tuple[Credentials, dict[str, Any] | None]:
    with path.open("rb") as handle:
        return read_stream(handle)


def manifest_store(path: Path) -> bytes:
    """The file's embedded manifest store (its JUMBF), for the `.c2pa` sidecar: the payload of
    the top-level uuid box C2PA defines for ISO BMFF. Empty when there is none."""
    with path.open("rb") as handle:
        while True:
            head = handle.read(8)
            if len(head) < 8:
                return b""
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0]
                header = 16
            elif size == 0:
                return b""  # the last box, to the end of the file: not ours
            if kind == b"uuid" and handle.read(16) == C2PA_UUID:
                body = handle.read(size - header - 16)
                # version and flags (4), the purpose ("manifest\0"), the merkle offset (8)
                purpose_end = body.index(b"\0", 4)
                if body[4:purpose_end] == b"manifest":
                    return body[purpose_end + 1 + 8 :]
                continue
            handle.seek(size - header - (16 if kind == b"uuid" else 0), io.SEEK_CUR)


# --------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class Made:
    """Who made a take: what its manifest's created action says."""

    title: str
    model: str  # the model's label
    provider: str  # the provider's label
    job_id: str = ""
    prompt_sha256: str = ""
    ai: bool = True  # False: the studio's own animatic


@dataclass(frozen=True)
class Ingredient:
    title: str
    path: Path
    mime: str = MP4  # a spot's music and voice are sound ingredients


def _actions(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"label": "c2pa.actions.v2", "data": {"actions": list(actions)}}


def _manifest(title: str, *actions: dict[str, Any]) -> dict[str, Any]:
    return {"claim_generator_info": GENERATOR, "title": title, "assertions": [_actions(*actions)]}


def created(made: Made) -> dict[str, Any]:
    if not made.ai:
        return {
            "action": "c2pa.created",
            "digitalSourceType": DIGITAL,
            "softwareAgent": {"name": "Reelroom animatic"},
            "description": "A storyboard animatic rendered by the studio; not AI-generated.",
        }
    return {
        "action": "c2pa.created",
        "digitalSourceType": AI_MADE,
        "softwareAgent": {"name": made.model},
        "description": f"Generated by {made.model} through {made.provider}.",
        "parameters": {
            "org.reelroom.provider": made.provider,
            "org.reelroom.job_id": made.job_id,
            "org.reelroom.prompt_sha256": made.prompt_sha256,
        },
    }


LABELLED = {
    "action": "c2pa.edited",
    "description": "A visible “AI-generated” label burned into the picture.",
    "softwareAgent": {"name": "Reelroom"},
}


def _sign(
    manifest: dict[str, Any],
    source: Path,
    dest: Path,
    ingredients: list[tuple[Ingredient, str]] | None = None,
) -> keys.Identity:
    signer, identity = keys.signer()
    with c2pa.Builder(manifest) as builder:
        for index, (ingredient, relationship) in enumerate(ingredients or []):
            with ingredient.path.open("rb") as handle:
                builder.add_ingredient(
                    {
                        "title": ingredient.title,
                        "relationship": relationship,
                        "label": f"ingredient-{index}",
                    },
                    ingredient.mime,
                    handle,
                )
        with source.open("rb") as src, dest.open("w+b") as out:
            builder.sign(signer, MP4, src, out)
    return identity


def sign_take(source: Path, dest: Path, made: Made) -> keys.Identity:
    """`source` signed as made by the model (or the studio's animatic) into `dest`; returns
    who signed it."""
    return _sign(_manifest(made.title, created(made)), source, dest)


def sign_edit(original: Path, edited: Path, dest: Path, title: str) -> keys.Identity:
    """`edited` (the label burned into `original`, which carries its own credentials) signed
    with the original as its parent ingredient: its history is kept."""
    opened = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["ingredient-0"]}}
    manifest = _manifest(title, opened, LABELLED)
    return _sign(manifest, edited, dest, [(Ingredient(title, original), "parentOf")])


CUT_FROM_ONE_TAKE = {
    "action": "c2pa.edited",
    "description": "Cut from the one-take spot at its planned times (the spot is its parent).",
    "softwareAgent": {"name": "Reelroom"},
}


def sign_piece(one_take: Path, piece: Path, dest: Path, title: str) -> keys.Identity:
    """A shot's piece of a one-take spot, signed with the one-take (its delivered copy, with
    its own manifest) as its parent ingredient."""
    opened = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["ingredient-0"]}}
    manifest = _manifest(title, opened, CUT_FROM_ONE_TAKE)
    return _sign(manifest, piece, dest, [(Ingredient("One-take spot", one_take), "parentOf")])


def sign_composite(
    source: Path, dest: Path, title: str, pieces: list[Ingredient], ai: bool = True
) -> keys.Identity:
    """A cut: composite of its takes, each a `componentOf` ingredient placed once (a cut of
    animatics only is the studio's own digital creation)."""
    placed = [
        {"action": "c2pa.placed", "parameters": {"ingredientIds": [f"ingredient-{i}"]}}
        for i in range(len(pieces))
    ]
    manifest = _manifest(
        title,
        {
            "action": "c2pa.created",
            "digitalSourceType": COMPOSITE if ai else DIGITAL,
            "softwareAgent": {"name": "Reelroom"},
        },
        *placed,
    )
    return _sign(manifest, source, dest, [(p, "componentOf") for p in pieces])


# --------------------------------------------------------------------------- the tree shown


def _short(source_type: str) -> str:
    return source_type.removeprefix(IPTC) if source_type else ""


# An ingredient's relationship to the file that holds it, in words.
RELATIONSHIPS = {
    "parentOf": "the file this one was made from",
    "componentOf": "a piece placed in this file",
    "inputTo": "used to make this file",
}


def signed_by(signer: str, issuer: str) -> str:
    """Who signed, said once: the issuer beside the signer only when it names someone else."""
    if not issuer or issuer == signer or issuer.startswith(signer) or not signer:
        return signer or issuer
    return f"{signer}, certified by {issuer}"


def _placed_titles(action: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """The ingredients an action names (by its hashed links, or the ids it was built with)."""
    parameters = action.get("parameters") or {}
    names = [
        str(link.get("url", "")).rsplit("/", 1)[-1]
        for link in parameters.get("ingredients") or []
        if isinstance(link, dict)
    ]
    names += [str(i) for i in parameters.get("ingredientIds") or []]
    return [titles[name] for name in names if name in titles]


def _node(store: dict[str, Any], label: str, seen: set[str]) -> dict[str, Any]:
    manifest = (store.get("manifests") or {}).get(label) or {}
    seen.add(label)
    titles = {
        str(i.get("label", "")): str(i.get("title", "") or "an untitled file")
        for i in manifest.get("ingredients") or []
    }
    actions = []
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                actions.append(
                    {
                        "action": str(action.get("action", "")).removeprefix("c2pa."),
                        "source": _short(action.get("digitalSourceType", "")),
                        "agent": (action.get("softwareAgent") or {}).get("name", "")
                        if isinstance(action.get("softwareAgent"), dict)
                        else str(action.get("softwareAgent") or ""),
                        "description": action.get("description", ""),
                        "ingredients": _placed_titles(action, titles),
                    }
                )
    ingredients = []
    for ingredient in manifest.get("ingredients") or []:
        child = ingredient.get("active_manifest") or ""
        ingredients.append(
            {
                "title": ingredient.get("title", ""),
                "relationship": RELATIONSHIPS.get(
                    ingredient.get("relationship", ""), ingredient.get("relationship", "")
                ),
                "manifest": _node(store, child, seen) if child and child not in seen else None,
            }
        )
    info = manifest.get("signature_info") or {}
    generators = manifest.get("claim_generator_info") or [{}]
    return {
        "label": label,
        "title": manifest.get("title", ""),
        "generator": generators[0].get("name", "") if generators else "",
        "signer": info.get("common_name", ""),
        "issuer": info.get("issuer", ""),
        "signed_by": signed_by(info.get("common_name", ""), info.get("issuer", "")),
        "signed_at": info.get("time", ""),
        "local": info.get("issuer", "") == keys.LOCAL_ORG,
        "actions": actions,
        "ingredients": ingredients,
    }


def tree(store: dict[str, Any]) -> dict[str, Any]:
    """The manifest store as the verify page shows it: the active manifest, its actions, its
    ingredients with their own manifests, in depth."""
    return _node(store, store.get("active_manifest") or "", set())


def looks_like_mp4(head: bytes) -> bool:
    """An ISO BMFF file starts with its `ftyp` box (checked by content, not by name)."""
    return len(head) >= 12 and head[4:8] == b"ftyp"
