"""Review into the edit: a take's comments as markers, and each format's cut as a timeline, for
DaVinci Resolve, Premiere Pro and Final Cut Pro. Built with OpenTimelineIO and written by its
adapters (CMX 3600 EDL, FCPXML, FCP 7 XML for Premiere, OTIO JSON) — no hand-written XML — at
the file's measured frame rate, with SMPTE timecodes (drop-frame at 29.97). A comment's range
becomes a duration marker; its author and whether it is resolved go in the marker's note (green
when resolved, red while open: Final Cut's to-do markers)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

import opentimelineio as otio
from django.utils.text import slugify

from generation import text
from studio.csv_safe import cell
from studio.models import Comment

# kind -> (OTIO adapter, content type, file suffix). Resolve reads the EDL's LOC markers and
# FCPXML; Final Cut reads FCPXML; Premiere Pro reads the FCP 7 XML and the EDL.
KINDS = {
    "edl": ("cmx_3600", "text/plain", "edl"),
    "fcpxml": ("fcpx_xml", "application/xml", "fcpxml"),
    "xml": ("fcp_xml", "application/xml", "xml"),
    "otio": ("otio_json", "application/json", "otio"),
    "csv": ("", "text/csv", "csv"),
}
# The rates editing applications name; a file's measured rate is the nearest of them
# (29.97 is NTSC's 30000/1001, written as the applications write it).
RATES = (23.98, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0)


def rate_of(fps: Decimal | float | None) -> float:
    if not fps:
        return 24.0
    return min(RATES, key=lambda rate: abs(rate - float(fps)))


def frames(ms: int, rate: float) -> int:
    return round(ms * rate / 1000)


def timecode(frame: int, rate: float) -> str:
    """SMPTE, drop-frame at 29.97 and 59.94 ("00:00:01;15")."""
    return str(otio.opentime.to_timecode(otio.opentime.RationalTime(frame, rate)))


@dataclass(frozen=True)
class Note:
    """A comment as a marker."""

    start_ms: int
    end_ms: int | None
    author: str
    body: str
    resolved: bool = False

    @property
    def text(self) -> str:
        said = " ".join(text.line(self.body).split())
        return f"{text.line(self.author)}: {said}" + (" [resolved]" if self.resolved else "")


@dataclass(frozen=True)
class Piece:
    """A clip of the timeline: the file (as the package names it), its length, its notes; and
    where it starts in the file (a spot's in point) when not at its first frame."""

    name: str
    duration_ms: int
    notes: list[Note] = field(default_factory=list)
    in_ms: int = 0
    file_ms: int | None = None  # how long the file is (its whole length by default)


def _marker(note: Note, rate: float, clip_frames: int) -> otio.schema.Marker:
    start = min(frames(note.start_ms, rate), max(0, clip_frames - 1))
    length = 0
    if note.end_ms is not None:
        length = max(1, min(frames(note.end_ms, rate), clip_frames) - start)
    return otio.schema.Marker(
        name=note.text[:250],
        marked_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(length, rate)
        ),
        color=otio.schema.MarkerColor.GREEN if note.resolved else otio.schema.MarkerColor.RED,
        metadata={"reelroom": {"author": text.line(note.author), "resolved": note.resolved}},
    )


def _clip(piece: Piece, rate: float) -> otio.schema.Clip:
    length = max(1, frames(piece.duration_ms, rate))
    start = frames(piece.in_ms, rate)
    whole = max(start + length, frames(piece.file_ms or 0, rate))
    return otio.schema.Clip(
        name=text.line(piece.name.rsplit("/", 1)[-1]),
        media_reference=otio.schema.ExternalReference(
            target_url=text.line(piece.name),
            available_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(whole, rate)
            ),
        ),
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(length, rate)
        ),
    )


def timeline(
    name: str,
    pieces: list[Piece],
    fps: Decimal | float | None,
    size: tuple[int, int] | None = None,
    sound: list[Piece] | None = None,
    with_sound: bool = True,
) -> otio.schema.Timeline:
    """A video track of every piece in order (its notes markers on it) and an audio track of
    their sound (unless `with_sound` is off: a take's markers); a second audio track (`sound`)
    where one is given. `size` is the sequence's
    frame, written into the Premiere XML. Every name is one clean line whatever was stored (an
    EDL's TITLE and comment lines end at a newline; XML cannot carry control characters)."""
    rate = rate_of(fps)
    made = otio.schema.Timeline(name=text.line(name))
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    made.tracks.append(video)
    for piece in pieces:
        clip = _clip(piece, rate)
        length = int(clip.source_range.duration.value)
        for note in sorted(piece.notes, key=lambda n: n.start_ms):
            clip.markers.append(_marker(note, rate, length))
        video.append(clip)
        audio.append(_clip(piece, rate))
    if with_sound:
        made.tracks.append(audio)
    if sound:
        extra = otio.schema.Track(name="A2", kind=otio.schema.TrackKind.Audio)
        for piece in sound:
            extra.append(_clip(piece, rate))
        made.tracks.append(extra)
    if size:
        made.metadata["fcp_xml"] = _sequence_format(size, rate)
    return made


def _sequence_format(size: tuple[int, int], rate: float) -> dict:
    """The sequence's frame and sound, as Premiere reads them from a FCP 7 XML <sequence>."""
    ntsc = "TRUE" if rate in (23.98, 29.97, 59.94) else "FALSE"
    timebase = str(round(rate))
    return {
        "media": {
            "video": {
                "format": {
                    "samplecharacteristics": {
                        "rate": {"timebase": timebase, "ntsc": ntsc},
                        "width": str(size[0]),
                        "height": str(size[1]),
                        "pixelaspectratio": "square",
                        "anamorphic": "FALSE",
                        "fielddominance": "none",
                    }
                }
            },
            "audio": {"format": {"samplecharacteristics": {"depth": "16", "samplerate": "48000"}}},
        }
    }


def write(made: otio.schema.Timeline, kind: str) -> str:
    adapter = KINDS[kind][0]
    if not adapter:
        return markers_csv(made)
    return str(otio.adapters.write_to_string(made, adapter))


def markers_csv(made: otio.schema.Timeline) -> str:
    """Every marker with its record timecodes, for a spreadsheet or an application's import."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["clip", "timecode_in", "timecode_out", "frames", "author", "resolved", "note"])
    for clip in made.find_clips():
        start = clip.range_in_parent().start_time
        for marker in clip.markers:
            rate = marker.marked_range.start_time.rate
            at = int((start.rescaled_to(rate) + marker.marked_range.start_time).value)
            length = int(marker.marked_range.duration.value)
            meta = marker.metadata.get("reelroom", {})
            writer.writerow(
                [
                    cell(clip.name),
                    timecode(at, rate),
                    timecode(at + length, rate),
                    length,
                    cell(meta.get("author", "")),
                    "yes" if meta.get("resolved") else "no",
                    cell(marker.name),
                ]
            )
    return out.getvalue()


# --------------------------------------------------------------------------- from the studio


def notes_of(render_ids: list[int], for_guest: bool = False) -> dict[int, list[Note]]:
    """Each take's time-coded comments as notes (a guest's copy: the comments marked for guests,
    members named "Team")."""
    found = Comment.objects.filter(
        render_id__in=render_ids, parent__isnull=True, timecode_ms__isnull=False
    ).select_related("author")
    if for_guest:
        found = found.filter(visible_to_guests=True)
    notes: dict[int, list[Note]] = {}
    for comment in found.order_by("timecode_ms", "pk"):
        author = comment.guest_name if comment.author is None else comment.author.get_username()
        if for_guest and comment.author is not None:
            author = "Team"
        notes.setdefault(comment.render_id, []).append(
            Note(
                comment.timecode_ms or 0,
                comment.end_ms,
                author or "Guest",
                comment.body,
                comment.resolved_at is not None,
            )
        )
    return notes


def take_timeline(take) -> otio.schema.Timeline:
    """One take, its comments as markers."""
    name = f"{take.title or take.shot.title} — take {take.take}"
    piece = Piece(
        take_file_name(take),
        take.duration_ms or take.seconds * 1000,
        notes_of([take.pk]).get(take.pk, []),
    )
    return timeline(name, [piece], take.fps, with_sound=False)


def take_file_name(take) -> str:
    return f"{slugify(take.title or take.shot.title) or 'take'}-take{take.take}.mp4"


def format_timelines(pkg, for_guest: bool = False) -> dict[str, otio.schema.Timeline]:
    """Each format's cut as a timeline, by the format's folder in the package: its files in
    shot order, referenced by their names in the ZIP (relative to `timeline/`), each take's
    comments as markers on its clip."""
    notes = notes_of([e.take.pk for e in pkg.entries], for_guest)
    by_folder: dict[str, list] = {}
    for entry in pkg.entries:
        by_folder.setdefault(entry.folder, []).append(entry)
    made = {}
    for folder, entries in by_folder.items():
        pieces = [
            Piece(
                "../" + entry.path.split("/", 1)[1],
                entry.take.duration_ms or entry.take.seconds * 1000,
                notes.get(entry.take.pk, []),
            )
            for entry in entries
        ]
        rates = [rate_of(e.take.fps) for e in entries]
        name = f"{pkg.campaign.name} — {entries[0].format_name}"
        sizes = [(e.take.width, e.take.height) for e in entries if e.take.width]
        size = max(set(sizes), key=sizes.count) if sizes else None
        made[folder] = timeline(name, pieces, max(set(rates), key=rates.count), size)
    return made


def spot_timelines(pkg) -> dict[str, otio.schema.Timeline]:
    """Each delivered spot as the editor's starting point, named for its file: the takes' files
    of the package between the spot's in and out points, each super a marker over its shot,
    the end card as the spot's own frames; A1 the takes' sound, A2 the spot's finished sound
    (music, voice, loudness) from the spot's file; the sequence at the channel's size."""
    paths = {(e.folder, e.take.pk): "../" + e.path.split("/", 1)[1] for e in pkg.entries}
    folders = {e.format_name: e.folder for e in pkg.entries}
    made = {}
    for entry in pkg.spots:
        spot, plan = entry.spot, entry.spot.plan
        if not plan.get("pieces"):
            continue  # nothing to lay out (Final Cut's writer cannot place sound alone)
        own = "../" + entry.path.split("/", 1)[1]
        folder = folders.get(spot.format.name, "")
        pieces, at = [], 0
        for piece in plan.get("pieces", []):
            length = round((piece["out"] - piece["in"]) * 1000)
            name = paths.get((folder, piece["take"]), f"../{folder}/take-{piece['take']}.mp4")
            notes = [Note(0, length, "Super", piece["super"])] if piece.get("super") else []
            pieces.append(Piece(name, length, notes, in_ms=round(piece["in"] * 1000)))
            at += length
        card = plan.get("card") or {}
        if card:
            words = " · ".join(w for w in (card.get("call"), card.get("legal")) if w)
            notes = [Note(0, round(card["seconds"] * 1000), "End card", words)] if words else []
            pieces.append(
                Piece(own, round(card["seconds"] * 1000), notes, in_ms=at, file_ms=spot.duration_ms)
            )
        whole = [Piece(own, spot.duration_ms or at, file_ms=spot.duration_ms)]
        channel = spot.format.channel
        name = f"{pkg.campaign.name} — {spot.format.name} spot"
        stem = entry.path.rsplit("/", 1)[-1].removesuffix(".mp4")
        made[f"{stem}-spot"] = timeline(
            name, pieces, plan.get("fps", 24), (channel.width, channel.height), sound=whole
        )
    return made
