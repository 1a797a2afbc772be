"""A spot's sound: the takes' own sound, a music bed that ducks under the voice, the voice-over's
lines placed where their shots start; then loudness, measured by ffmpeg's EBU R128 meter and
normalised in two passes (`loudnorm`: measure, then a linear gain to the target where the true
peak allows it)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generation.media import FFMPEG_TIMEOUT, MediaError, _run, ffmpeg

RATE = 48000
# A sound file is read as what its name says it is (the studio names files by their checked
# content): an explicit demuxer, so a crafted file cannot make ffmpeg read a playlist.
DEMUXERS = {"wav": "wav", "mp3": "mp3", "flac": "flac", "aac": "aac", "m4a": "mov", "mp4": "mp4"}


def sniff(head: bytes) -> str:
    """A sound file's type from its first bytes ("" when none of the kinds read)."""
    if len(head) < 12:
        return ""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "mp3"
    if head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"
    return ""


def _input(path: Path) -> list[str]:
    demuxer = DEMUXERS.get(path.suffix.lstrip(".").lower())
    if demuxer is None:
        raise MediaError(f"not a sound file the studio reads: {path.suffix or 'no extension'}")
    return ["-protocol_whitelist", "file", "-f", demuxer, "-i", str(path)]


LRA = 11.0
SILENT = -70.0  # LUFS: below this there is nothing to normalise


@dataclass(frozen=True)
class Bed:
    """One stretch of the takes' sound: `path` from `start` for `seconds` (silence if None)."""

    path: Path | None
    start: float
    seconds: float


@dataclass(frozen=True)
class Line:
    """A voice-over recording placed at `at` seconds into the spot."""

    path: Path
    at: float


def audio_seconds(path: Path) -> float:
    """How long a sound file plays, as ffmpeg decodes it. Raises MediaError when it is not
    sound ffmpeg can read."""
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *_input(path), "-map", "0:a:0", "-f", "null", "-"],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT,
    )  # fmt: skip
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", result.stderr)
    if result.returncode != 0 or not times or "Audio:" not in result.stderr:
        raise MediaError("ffmpeg could not read this file as sound")
    hours, minutes, seconds = times[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def mix(
    beds: list[Bed],
    total: float,
    out: Path,
    music: Path | None = None,
    lines: list[Line] | None = None,
) -> Path:
    """The spot's sound before loudness: the beds end to end, the music looped under the whole
    spot at -14 dB with a fade out (ducked by the voice), the voice lines on top. 48 kHz
    stereo float WAV of exactly `total` seconds."""
    lines = lines or []
    inputs: list[str] = []
    chains: list[str] = []
    labels = ""
    index = 0
    for i, bed in enumerate(beds):
        if bed.path is not None:
            inputs += _input(bed.path)
            chains.append(
                f"[{index}:a:0]atrim=start={bed.start:.3f},asetpts=PTS-STARTPTS,"
                f"aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,apad,"
                f"atrim=duration={bed.seconds:.3f}[b{i}]"
            )
            index += 1
        else:
            chains.append(
                f"aevalsrc=0|0:s={RATE}:d={bed.seconds:.3f},aformat=sample_fmts=fltp[b{i}]"
            )
        labels += f"[b{i}]"
    chains.append(f"{labels}concat=n={len(beds)}:v=0:a=1[bed]")
    parts = ["[bed]"]
    if lines:
        voiced = ""
        for j, line in enumerate(lines):
            inputs += _input(line.path)
            delay = round(line.at * 1000)
            chains.append(
                f"[{index}:a:0]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                f"adelay={delay}|{delay},apad=whole_dur={total:.3f}[l{j}]"
            )
            voiced += f"[l{j}]"
            index += 1
        chains.append(
            f"{voiced}amix=inputs={len(lines)}:normalize=0:duration=longest,"
            f"atrim=duration={total:.3f},asplit=2[voice][key]"
        )
        parts.append("[voice]")
    if music is not None:
        inputs += ["-stream_loop", "-1", *_input(music)]
        fade = max(0.0, total - 1.0)
        chains.append(
            f"[{index}:a:0]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
            f"atrim=duration={total:.3f},volume=-14dB,afade=t=out:st={fade:.3f}:d=1[music]"
        )
        if lines:
            chains.append(
                "[music][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]"
            )
            parts.append("[ducked]")
        else:
            parts.append("[music]")
    elif lines:
        chains.append("[key]anullsink")
    chains.append(
        f"{''.join(parts)}amix=inputs={len(parts)}:normalize=0:duration=first,"
        f"atrim=duration={total:.3f}[out]"
    )
    _run(
        [*inputs, "-filter_complex", ";".join(chains), "-map", "[out]", "-c:a", "pcm_f32le",
         "-ar", str(RATE), "-ac", "2", str(out)],
        "mix the spot's sound", timeout=FFMPEG_TIMEOUT * 2,
    )  # fmt: skip
    return out


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float
    threshold: float
    offset: float

    @property
    def silent(self) -> bool:
        return self.integrated < SILENT


def measure(path: Path, lufs: float = -14.0, true_peak: float = -1.0) -> Loudness:
    """loudnorm's first pass over a file's sound: what it measures (ITU-R BS.1770)."""
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *_input(path),
         "-map", "0:a:0", "-af", f"loudnorm=I={lufs}:TP={true_peak}:LRA={LRA}:print_format=json",
         "-f", "null", "-"],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT * 2,
    )  # fmt: skip
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", result.stderr)
    if result.returncode != 0 or not found:
        raise MediaError("ffmpeg could not measure the sound's loudness")
    data = json.loads(found.group(0))

    def number(key: str) -> float:
        try:
            value = float(data[key])
        except (KeyError, ValueError):
            return -99.0
        return value if value == value and abs(value) != float("inf") else -99.0

    return Loudness(
        number("input_i"),
        number("input_tp"),
        max(0.0, number("input_lra")),
        number("input_thresh"),
        number("target_offset"),
    )


def normalise(mixed: Path, out: Path, lufs: float, true_peak: float) -> Loudness:
    """Two passes: measure the mix, then set its gain to the target and hold its peaks under
    the ceiling with a limiter working at 192 kHz (so the peaks between samples are caught:
    true peak). When the limiter took loudness away, the gain is set once more from what the
    limited sound measures. Returns the first pass's measurement; silence is copied as it is."""
    first = measure(mixed, lufs, true_peak)
    if first.silent:
        _run(["-i", str(mixed), "-c:a", "pcm_f32le", str(out)], "copy the sound")
        return first
    gain = lufs - first.integrated
    tried: list[tuple[float, float]] = []  # (gain, loudness it gave)
    for _attempt in range(6):
        ceiling = 10 ** ((true_peak - 0.3) / 20)
        _run(
            ["-protocol_whitelist", "file", "-f", "wav", "-i", str(mixed), "-af",
             f"volume={gain:.2f}dB,aresample=192000,"
             f"alimiter=limit={ceiling:.4f}:attack=1:release=60:level=false,aresample={RATE}",
             "-c:a", "pcm_f32le", str(out)],
            "set the sound's loudness",
        )  # fmt: skip
        now = measure(out, lufs, true_peak)
        if abs(now.integrated - lufs) <= 0.3:
            break
        tried.append((gain, now.integrated))
        if len(tried) > 1 and tried[-1][1] != tried[-2][1]:
            # The limiter gives back less than the gain added: aim along the last two tries.
            (g1, l1), (g2, l2) = tried[-2:]
            gain = g2 + (lufs - l2) * (g2 - g1) / (l2 - l1)
        else:
            gain += lufs - now.integrated
        gain = min(gain, 40.0)
    return first


def speech_spans(path: Path) -> list[tuple[float, float]]:
    """Where a recording speaks: its stretches between silences (-35 dB for 0.35 s)."""
    total = audio_seconds(path)
    result = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *_input(path),
         "-map", "0:a:0", "-af", "silencedetect=n=-35dB:d=0.35", "-f", "null", "-"],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT,
    )  # fmt: skip
    starts = [float(v) for v in re.findall(r"silence_start: (-?[\d.]+)", result.stderr)]
    ends = [float(v) for v in re.findall(r"silence_end: ([\d.]+)", result.stderr)]
    spans, cursor = [], 0.0
    for i, start in enumerate(starts):
        if start > cursor + 0.05:
            spans.append((cursor, start))
        cursor = ends[i] if i < len(ends) else total
    if cursor < total - 0.05:
        spans.append((cursor, total))
    return spans
