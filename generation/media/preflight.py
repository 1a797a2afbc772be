"""Preflight: a finished spot checked against its channel's rules before it can be approved or
delivered. Every rule is measured on the file itself (the container's atoms, what ffmpeg reads
of its streams, the loudness meter) or on where the studio set its text, and says the measured
value, what the channel asks and what to do when it fails."""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generation.channels import Channel
from generation.media import MediaInfo, probe
from generation.media.sound import Loudness
from generation.media.typesetting import Box

LOUDNESS_TOLERANCE = 1.0  # LU either side of the target


@dataclass(frozen=True)
class Rule:
    rule: str
    ok: bool
    measured: str
    expected: str
    fix: str = ""


def top_atoms(path: Path, limit: int = 64) -> list[str]:
    """The MP4's top-level boxes in file order (their types), read from the headers alone."""
    atoms: list[str] = []
    size_of = path.stat().st_size
    with path.open("rb") as handle:
        offset = 0
        while offset < size_of and len(atoms) < limit:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header[:8])
            if size == 1 and len(header) >= 16:
                size = struct.unpack(">Q", header[8:16])[0]
            elif size == 0:
                size = size_of - offset
            atoms.append(kind.decode("latin-1"))
            if size < 8:
                break
            offset += size
    return atoms


def check(
    path: Path,
    channel: Channel,
    loudness: Loudness,
    text_boxes: list[dict[str, Any]],
    safe: Box,
    info: MediaInfo | None = None,  # the file's streams, when the caller has read them
) -> list[dict[str, Any]]:
    info = info or probe(path)  # raises MediaError for a file that is no video
    seconds = info.duration_ms / 1000
    fps = float(info.fps or 0)
    size = path.stat().st_size
    kbps = size * 8 / 1000 / seconds if seconds else 0
    atoms = top_atoms(path)
    moov_first = "moov" in atoms and (
        "mdat" not in atoms or atoms.index("moov") < atoms.index("mdat")
    )
    codec_ok = (
        info.video_codec == channel.video_codec
        and info.profile.lower().startswith(channel.profile.lower())
        and info.audio_codec == channel.audio_codec
    )
    outside = [b for b in text_boxes if not safe.holds(Box(*b["box"]))]
    rules = [
        Rule(
            "Container and codecs", codec_ok and atoms[:1] == ["ftyp"],
            f"MP4, {info.video_codec} {info.profile}, {info.audio_codec or 'no sound'}",
            f"MP4, {channel.video_codec} {channel.profile}, {channel.audio_codec}",
            "Make the spot again; the studio encodes to the channel's codecs.",
        ),
        Rule(
            "Picture size", (info.width, info.height) == (channel.width, channel.height),
            f"{info.width}×{info.height}", f"{channel.width}×{channel.height}",
            "Make the spot again at the channel's size.",
        ),
        Rule(
            "Frame rate", 0 < fps <= channel.max_fps + 0.01,
            f"{fps:g} fps", f"at most {channel.max_fps} fps",
            "Make the spot again; the studio caps the frame rate at the channel's.",
        ),
        Rule(
            "Running time", channel.min_seconds <= seconds <= channel.max_seconds,
            f"{seconds:.1f} s", channel.window(),
            "Trim pieces (set in and out points), drop a shot or shorten the end card."
            if seconds > channel.max_seconds
            else "Add shots or lengthen the end card.",
        ),
        Rule(
            "File size", size <= channel.max_bytes,
            _megabytes(size), f"at most {_megabytes(channel.max_bytes)}",
            "Shorten the spot.",
        ),
        Rule(
            "Video bitrate", kbps >= channel.min_kbps,
            f"{kbps:.0f} kb/s", f"at least {channel.min_kbps} kb/s" if channel.min_kbps else "any",
            "Make the spot again.",
        ),
        Rule(
            "Sound format", info.audio_rate == channel.audio_rate,
            f"{info.audio_rate} Hz" if info.audio_rate else "no sound",
            f"{channel.audio_rate} Hz stereo", "Make the spot again.",
        ),
        _loudness(loudness, channel),
        Rule(
            "True peak", loudness.silent or loudness.true_peak <= channel.true_peak + 0.05,
            "silent" if loudness.silent else f"{loudness.true_peak:.1f} dBTP",
            f"at most {channel.true_peak:g} dBTP",
            "Lower the music bed or the voice-over's level, then make the spot again.",
        ),
        Rule(
            "Text inside the safe zone", not outside,
            "all inside" if not outside
            else "; ".join(f"{b['kind']} “{b.get('text', '')}” at {b['box']}" for b in outside),
            f"inside {safe.as_list()} (left, top, right, bottom)",
            "Move the super (top, centre, lower third) or shorten it.",
        ),
        Rule(
            "Plays while downloading (moov first)", moov_first,
            " → ".join(atoms[:4]), "moov before mdat",
            "Make the spot again; the studio writes the index first.",
        ),
    ]  # fmt: skip
    return [asdict(rule) for rule in rules]


def _loudness(loudness: Loudness, channel: Channel) -> Rule:
    if loudness.silent:
        return Rule("Loudness", True, "silent", f"{channel.lufs:g} LUFS integrated")
    ok = abs(loudness.integrated - channel.lufs) <= LOUDNESS_TOLERANCE
    return Rule(
        "Loudness", ok, f"{loudness.integrated:.1f} LUFS",
        f"{channel.lufs:g} LUFS ± {LOUDNESS_TOLERANCE:g}",
        "Make the spot again; its sound is normalised to the channel's target.",
    )  # fmt: skip


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
