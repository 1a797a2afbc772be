"""The delivery package: the approved hero take of every cell, per format, with the provenance
record (manifest.json and manifest.csv). Streamed as a ZIP while it is read from storage: never
built in memory or on disk, whatever its size.

Every file in it carries Content Credentials: the take's signed copy (the stored file itself
when the provider's credentials came with it), or its labelled copy in a format that burns in
the "AI-generated" label, each with its manifest store beside it as a `.c2pa` sidecar. Copies
are made in the queue (generation.jobs.signing); a package with a file still unsigned is not
streamed until it is."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from zipstream import ZIP_STORED, ZipStream

from generation import catalog, storage
from studio import queue
from studio.csv_safe import cell
from studio.models import Campaign, CellStatus, Decision, Market, Membership, Role, Take
from studio.production import disclosure, spot_files, spots, timelines
from studio.production.grid import grid
from studio.production.spot_files import SpotEntry, VersionEntry

CSV_FIELDS = [
    "path",
    "format",
    "aspect",
    "shot_number",
    "shot",
    "take",
    "model",
    "provider",
    "provider_model",
    "provider_job_id",
    "prompt",
    "first_frame_sha256",
    "last_frame_sha256",
    "size",
    "seconds",
    "duration_ms",
    "cost",
    "billed",
    "decisions",
    "bytes",
    "sha256",
    "stored_sha256",
    "ai_generated",
    "credentials",
    "label",
    "watermark",
    "c2pa",
]


@dataclass
class Entry:
    path: str
    take: Take
    format_name: str
    aspect: str
    number: int
    shot_title: str
    labelled: bool = False  # the format burns in the "AI-generated" label
    depicts: dict | None = None
    folder: str = ""  # the format's folder in the ZIP

    @property
    def copy(self) -> dict:
        """The copy delivered: signed, labelled where the format asks; {} while unsigned."""
        return self.take.delivered(self.labelled)

    @property
    def sidecar(self) -> str:
        return self.path.removesuffix(".mp4") + ".c2pa"

    @property
    def ai_generated(self) -> bool:
        return self.take.ai_made

    @property
    def kept(self) -> bool:
        """The provider's own credentials, delivered byte for byte."""
        return bool(self.copy) and self.copy.get("key") == self.take.video_key

    def disclose(self) -> list[dict]:
        return disclosure.checklist(self.ai_generated, self.depicts or {}, self.labelled)


@dataclass
class Package:
    campaign: Campaign
    entries: list[Entry]
    missing: list[tuple[str, int, str]]  # (format, shot number, shot title): nothing approved
    spots: list[SpotEntry] = field(default_factory=list)  # current, passing preflight
    versions: list[VersionEntry] = field(default_factory=list)  # by market, channel, hook

    @property
    def empty(self) -> bool:
        return not (self.entries or self.spots or self.versions)

    @property
    def root(self) -> str:
        return slugify(self.campaign.name) or f"campaign-{self.campaign.pk}"

    @property
    def filename(self) -> str:
        return f"{self.root}-delivery.zip"

    @property
    def total_bytes(self) -> int:
        """The videos' bytes: what the download weighs, give or take the manifests."""
        return sum(e.copy.get("bytes") or e.take.bytes or 0 for e in self.entries)

    @property
    def unsigned(self) -> list[Entry]:
        """Files whose delivered copy is not made yet (the package waits for them)."""
        return [e for e in self.entries if not e.copy]

    def by_format(self) -> list[tuple[str, int]]:
        """(format, number of files) in the package's order."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.format_name] = counts.get(entry.format_name, 0) + 1
        return list(counts.items())


def folders(formats) -> dict[int, str]:
    """Each format's folder in the ZIP: its slug, made unique ("Reels" and "reels!" slug the
    same; the second is "reels-2"), so two members never share a name."""
    taken: set[str] = set()
    names = {}
    for fmt in formats:
        name, n = fmt.slug, 1
        while name in taken:
            n += 1
            name = f"{fmt.slug}-{n}"
        taken.add(name)
        names[fmt.pk] = name
    return names


def package(campaign: Campaign, market: Market | None = None) -> Package:
    """What the package holds: each format's spot, each cell whose hero take is approved, and
    the versions by market; for one market's link, that market's versions only."""
    root = slugify(campaign.name) or f"campaign-{campaign.pk}"
    if market is not None:
        return Package(campaign, [], [], [], spot_files.versions_for(campaign, root, market))
    the_grid = grid(campaign)
    folder = folders(the_grid.formats)
    entries, missing = [], []
    for index, fmt in enumerate(the_grid.formats):
        for number, (shot, cells) in enumerate(the_grid.rows, start=1):
            cell = cells[index]
            if cell.status != CellStatus.APPROVED or cell.hero is None:
                missing.append((fmt.name, number, shot.title))
                continue
            name = f"{number:02d}-{slugify(shot.title) or 'shot'}-take{cell.hero.take}.mp4"
            entries.append(
                Entry(
                    f"{root}/{folder[fmt.pk]}/{name}",
                    cell.hero,
                    fmt.name,
                    fmt.aspect,
                    number,
                    shot.title,
                    labelled=fmt.ai_label,
                    depicts=disclosure.depicts(shot, campaign),
                    folder=folder[fmt.pk],
                )
            )
    takes = Take.objects.in_bulk([e.take.pk for e in entries])
    for entry in entries:
        entry.take = takes[entry.take.pk]  # every field, for the manifest
    return Package(
        campaign,
        entries,
        missing,
        _spots(campaign, root),
        spot_files.versions_for(campaign, root),
    )


def _spots(campaign: Campaign, root: str) -> list[SpotEntry]:
    """Each format's spot that is current (nothing changed since it was made) and passes
    every rule of its channel's preflight: a failing or stale spot is not delivered."""
    made, taken = [], set()
    for shown in spots.spots_of(campaign):
        spot = shown.shown
        if spot is None or shown.stale or not spot.passes:
            continue
        name, n = shown.format.channel.slug, 1
        while name in taken:
            n += 1
            name = f"{shown.format.channel.slug}-{n}"
        taken.add(name)
        made.append(SpotEntry(f"{root}/{name}.mp4", spot))
    return made


def sign_missing(pkg: Package) -> int:
    """Queue the signing of every file the package still waits for (once a few minutes per
    copy, however often the page is opened); returns how many there are."""
    waiting = pkg.unsigned
    for entry in waiting:
        queue.sign_later(entry.take.pk, entry.labelled)
    return len(waiting)


def _credentials(entry: Entry) -> dict:
    """What the delivered file's Content Credentials are, for the manifest."""
    found = entry.take.credentials or {}
    return {
        "at_ingest": found.get("state") or "none",
        "ingest_signer": found.get("signer", ""),
        "delivered": "the provider's credentials, unchanged"
        if entry.kept
        else "signed by Reelroom at delivery",
        "signer": entry.copy.get("signer", ""),
        "trusted": entry.copy.get("state") == "trusted",
        "test_signer": bool(entry.copy.get("local")),
    }


def _decisions(pkg: Package, for_guest: bool) -> dict[int, list[dict]]:
    """Every decision on the package's takes. A guest's copy names members by role only and
    leaves out the notes, which are written for the team."""
    found = list(
        Decision.objects.filter(render_id__in=[e.take.pk for e in pkg.entries])
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )
    roles = {}
    if for_guest:
        roles = dict(
            Membership.objects.filter(
                workspace_id=pkg.campaign.workspace_id, user_id__in={d.reviewer_id for d in found}
            ).values_list("user_id", "role")
        )
    decisions: dict[int, list[dict]] = {}
    for d in found:
        if d.reviewer is None:  # the client, through a guest link
            said = {"reviewer": d.who} if for_guest else {"reviewer": d.who, "note": d.note}
        elif for_guest:
            role = roles.get(d.reviewer.pk)
            said = {"reviewer": f"Team ({Role(role).label.lower()})" if role else "Team"}
        else:
            said = {"reviewer": d.reviewer.get_username(), "note": d.note}
        said.update(verdict=d.verdict, at=d.created_at.isoformat())
        decisions.setdefault(d.render_id, []).append(said)
    return decisions


def manifest(pkg: Package, for_guest: bool = False) -> list[dict]:
    """The provenance record of each file: what was sent, to whom, what it cost, who approved
    it and when, and the file's sha256."""
    decisions = _decisions(pkg, for_guest)
    frames: dict[str, str] = {}
    rows = []
    for entry in pkg.entries:
        take = entry.take
        rows.append(
            {
                "path": entry.path,
                "format": entry.format_name,
                "aspect": entry.aspect,
                "shot_number": entry.number,
                "shot": entry.shot_title,
                "take": take.take,
                "model": take.model_key,
                "provider": take.provider,
                "provider_model": take.provider_model,
                "provider_job_id": take.provider_job_id,
                "prompt": take.prompt_text,
                "first_frame_sha256": _sha256(take.reference_image_key, frames),
                "last_frame_sha256": _sha256(take.last_frame_key, frames),
                "size": take.stored_size or take.size,
                "seconds": take.seconds,
                "duration_ms": take.duration_ms,
                "cost": str(take.cost),
                "billed": take.billed,
                "decisions": decisions.get(take.pk, []),
                "bytes": entry.copy.get("bytes"),
                "sha256": entry.copy.get("sha256", ""),
                "stored_sha256": take.sha256,
                "ai_generated": entry.ai_generated,
                "credentials": _credentials(entry),
                "label": entry.labelled,
                "watermark": catalog.watermark(take.model_key) or "unknown",
                "c2pa": entry.sidecar,
                "depicts_realistic": entry.depicts or {},
                "disclose": entry.disclose(),
            }
        )
    return rows


def _sha256(key: str, seen: dict[str, str]) -> str:
    if not key:
        return ""
    if key not in seen:
        digest = hashlib.sha256()
        for block in storage.read(key):
            digest.update(block)
        seen[key] = digest.hexdigest()
    return seen[key]


def manifest_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["credentials"] = row["credentials"]["delivered"]
        flat.pop("depicts_realistic", None)
        flat.pop("disclose", None)
        flat["decisions"] = "; ".join(
            f"{d['verdict']} by {d['reviewer']} at {d['at']}"
            + (f": {d['note']}" if d.get("note") else "")
            for d in row["decisions"]
        )
        writer.writerow({k: cell(v) for k, v in flat.items()})
    return out.getvalue()


def stream(pkg: Package, for_guest: bool = False) -> ZipStream:
    """The ZIP: files stored as they are (video does not compress), read from storage block by
    block as the browser takes them; its length is known before the first byte. A guest's
    package carries no team notes and no list of what is missing (shots a guest never sees)."""
    rows = manifest(pkg, for_guest)
    zs = ZipStream(compress_type=ZIP_STORED, sized=True)
    for made in [*pkg.spots, *pkg.versions]:  # the finished ads first, with their captions
        zs.add(storage.read(made.spot.video_key), made.path, size=made.spot.bytes)
        for key, path in made.captions:
            zs.add(storage.read(key), path, size=default_storage.size(key))
    for entry in pkg.entries:
        copy = entry.copy
        for key, path in ((copy["key"], entry.path), (copy["c2pa"], entry.sidecar)):
            zs.add(storage.read(key), path, size=default_storage.size(key))
    record = {
        "campaign": pkg.campaign.name,
        "made_at": timezone.now().isoformat(),
        "spots": [made.record() for made in pkg.spots],
        "versions": [made.record() for made in pkg.versions],
        "files": rows,
    }
    if not for_guest:
        record["missing"] = [{"format": f, "shot_number": n, "shot": t} for f, n, t in pkg.missing]
    cuts = {**timelines.spot_timelines(pkg), **timelines.format_timelines(pkg, for_guest)}
    for folder, made in cuts.items():
        for kind in ("otio", "fcpxml", "xml", "edl"):  # the spots and cuts, for the editors
            zs.add(timelines.write(made, kind), f"{pkg.root}/timeline/{folder}.{kind}")
    zs.add(json.dumps(record, indent=2, ensure_ascii=False), f"{pkg.root}/manifest.json")
    zs.add(manifest_csv(rows), f"{pkg.root}/manifest.csv")
    return zs
