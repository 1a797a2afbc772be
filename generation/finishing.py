"""Finishing a spot: the format's pieces (stored takes with in and out points) joined at the
channel's size and frame rate, each shot's super on the picture for that shot's time, the end
card, the sound (the takes', a music bed ducking under the voice-over), loudness to the channel's
target in two passes, captions written (and burned in where the channel says), the result signed
as a composite of its takes and sounds, measured and stored. Plain values in (the plan the studio
froze), what was made out; temporary files go whatever happens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from generation import speech, storage
from generation.channels import Channel
from generation.media import (
    SAFE_INPUT,
    MediaError,
    _run,
    _written,
    labels,
    last_frame,
    preflight,
    probe,
    scratch_voice,
    sound,
    thumbnail,
    typesetting,
)
from generation.media import captions as captions_
from generation.media.typesetting import Box
from generation.provenance import manifests

AUDIO_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "aac": "audio/aac",
    "m4a": "audio/mp4",
}


class FinishError(Exception):
    """What the person can act on (a super too long, a voice that could not be made)."""


@dataclass
class Finished:
    video_key: str
    thumbnail_key: str
    srt_key: str
    vtt_key: str
    duration_ms: int
    bytes: int
    sha256: str
    loudness: sound.Loudness
    text_boxes: list[dict[str, Any]] = field(default_factory=list)
    captions: list[dict[str, Any]] = field(default_factory=list)
    preflight: list[dict[str, Any]] = field(default_factory=list)


def layout(plan: dict[str, Any], font_path: Path | str | None = None) -> list[dict[str, Any]]:
    """Where every super goes, checked before anything is rendered (the end card's words too):
    raises DoesNotFit for text that cannot be set inside the safe zone."""
    width, height = plan["width"], plan["height"]
    safe = Box(*plan["safe"])
    if plan["captions"]["burn"] and any(
        p.get("voice") or p.get("dialogue") for p in plan["pieces"]
    ):
        foot = safe.bottom - captions_.band(width, height, safe)
        safe = Box(safe.left, safe.top, safe.right, foot)
    placed = []
    start = 0.0
    for piece in plan["pieces"]:
        length = piece["out"] - piece["in"]
        if piece.get("super"):
            block = typesetting.place(
                piece["super"], font_path, safe, plan["look"]["position"], height
            )
            placed.append(
                {"kind": "super", "text": piece["super"], "start": start, "end": start + length,
                 "box": block.box.as_list(), "lines": list(block.lines), "size": block.size}
            )  # fmt: skip
        start += length
    card = plan.get("card")
    if card:
        typesetting.check_card(
            width, height, Box(*plan["safe"]), card["call"], card["legal"], font_path
        )
    return placed


def render(plan: dict[str, Any], key: str, title: str, channel: Channel) -> Finished:
    """Finish the spot `plan` describes, store it at `key` (its poster and captions beside it)
    and preflight it against `channel`."""
    with storage.temporary_folder("spot-") as tmp:
        return _render(plan, key, title, channel, Path(tmp))


def _render(plan: dict[str, Any], key: str, title: str, channel: Channel, work: Path) -> Finished:
    width, height = plan["width"], plan["height"]
    safe = Box(*plan["safe"])
    look = plan["look"]
    font_path = _fetch(look["font_key"], work / "font") if look.get("font_key") else None
    boxes = layout(plan, font_path)
    pieces = []
    start = 0.0
    for i, piece in enumerate(plan["pieces"]):
        path = storage.fetch(piece["key"]).path.rename(work / f"piece-{i:03d}.mp4")
        pieces.append((piece, path, start))
        start += piece["out"] - piece["in"]
    card = plan.get("card")
    card_png = None
    if card:
        card_png, card_boxes = _end_card(plan, card, pieces, font_path, work)
        boxes += [{"kind": "end card", "box": b.as_list(), "start": start,
                   "end": start + card["seconds"]} for b in card_boxes]  # fmt: skip
    total = start + (card["seconds"] if card else 0)
    lines, cues, voices = _voice(plan, pieces, work)
    beds = [
        sound.Bed(path if plan["sound"]["takes"] and piece["has_audio"] else None,
                  piece["in"], piece["out"] - piece["in"])
        for piece, path, _ in pieces
    ]  # fmt: skip
    if card:
        beds.append(sound.Bed(None, 0, card["seconds"]))
    music = (
        _fetch(plan["sound"]["music_key"], work / "music")
        if plan["sound"].get("music_key")
        else None
    )
    mixed = sound.mix(beds, total, work / "mix.wav", music, lines)
    loudness = plan["loudness"]
    normalised = work / "normalised.wav"
    sound.normalise(mixed, normalised, loudness["lufs"], loudness["true_peak"])
    ass = None
    if plan["captions"]["burn"] and cues:
        ass = captions_.write_ass(
            cues, work / "captions.ass", width, height, safe, font_path, look["colour"]
        )
    joined = _encode(plan, pieces, card_png, boxes, ass, font_path, normalised, total, work)
    measured = sound.measure(joined, loudness["lufs"], loudness["true_peak"])
    signed = work / "spot.mp4"
    ingredients = [manifests.Ingredient(piece["title"], path) for piece, path, _ in pieces]
    if music is not None:
        ingredients.append(
            manifests.Ingredient("Music bed", music, _mime(plan["sound"]["music_type"]))
        )
    ingredients += voices
    ai = any(piece["ai"] for piece, _, _ in pieces)
    manifests.sign_composite(joined, signed, title, ingredients, ai=ai)
    for _piece, path, _ in pieces:
        path.unlink(missing_ok=True)
    info = probe(signed)
    poster = thumbnail(signed, work / "poster.jpg", at_seconds=min(1.0, info.duration_ms / 2000))
    digest = hashlib.sha256()
    with signed.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    stem = key.rsplit(".", 1)[0]
    srt_path = captions_.write_srt(cues, work / "captions.srt")
    vtt_path = captions_.write_vtt(cues, work / "captions.vtt")
    return Finished(
        video_key=storage.put(key, signed),
        thumbnail_key=storage.put(f"{stem}.jpg", poster),
        srt_key=storage.put(f"{stem}.srt", srt_path),
        vtt_key=storage.put(f"{stem}.vtt", vtt_path),
        duration_ms=info.duration_ms,
        bytes=signed.stat().st_size,
        sha256=digest.hexdigest(),
        loudness=measured,
        text_boxes=boxes,
        captions=[{"start": c.start, "end": c.end, "words": c.words} for c in cues],
        preflight=preflight.check(signed, channel, measured, boxes, safe, info),
    )


def _frame_at(video: Path, out_point: float, dest: Path) -> Path:
    """The piece's frame at its out point (the take's last frame when it plays whole)."""
    info = probe(video)
    if out_point >= info.duration_ms / 1000 - 0.05:
        return last_frame(video, dest)
    _run(
        ["-ss", f"{max(0.0, out_point - 0.05):.3f}", *SAFE_INPUT, "-i", str(video),
         "-frames:v", "1", str(dest)],
        "take the held frame",
    )  # fmt: skip
    return _written(dest, "take the held frame")


def _fetch(key: str, dest: Path) -> Path:
    return storage.fetch(key).path.rename(dest.with_suffix(Path(key).suffix))


def _mime(file_type: str) -> str:
    return AUDIO_TYPES.get(file_type, "audio/wav")


Plan = dict[str, Any]
Pieces = list[tuple[dict[str, Any], Path, float]]  # a piece, its file, where it starts


def _end_card(
    plan: Plan, card: dict[str, Any], pieces: Pieces, font_path: Path | None, work: Path
) -> tuple[Path, list[Box]]:
    width, height = plan["width"], plan["height"]
    background: Image.Image | str = card["colour"]
    if card["background"] == "hold" and pieces:
        piece, path, _ = pieces[-1]
        frame = _frame_at(path, piece["out"], work / "last.png")
        with Image.open(frame) as opened:
            background = opened.copy()
    logo = _fetch(card["logo_key"], work / "logo") if card.get("logo_key") else None
    try:
        return typesetting.end_card(
            width, height, Box(*plan["safe"]), background, logo, card["call"], card["legal"],
            font_path, plan["look"]["colour"], work / "card.png",
        )  # fmt: skip
    except OSError as error:
        raise FinishError("The logo could not be read as an image. Choose another logo.") from error


def _voice(
    plan: Plan, pieces: Pieces, work: Path
) -> tuple[list[sound.Line], list[captions_.Cue], list[manifests.Ingredient]]:
    """The voice-over's lines placed at their shots (their real length read from the made
    sound), and the captions: voice lines timed to the voice, dialogue across its shot."""
    source = plan["sound"]["voice"]
    lines: list[sound.Line] = []
    cues: list[captions_.Cue] = []
    ingredients: list[manifests.Ingredient] = []
    script = []
    for piece, _, start in pieces:
        length = piece["out"] - piece["in"]
        if piece.get("voice"):
            script.append((start, length, piece["voice"]))
        dialogue = piece.get("dialogue") or []
        if dialogue:
            step = max(0.5, (length - 0.4) / len(dialogue))
            for k, words in enumerate(dialogue):
                at = start + 0.2 + k * step
                cues.append(captions_.Cue(at, min(start + length, at + step), words))
    if source in ("scratch", "speech"):
        for k, (start, _length, words) in enumerate(script):
            out = work / f"voice-{k:02d}.wav"
            try:
                if source == "scratch":
                    scratch_voice.speak(words, out, plan.get("language", "en").split("-")[0])
                else:
                    out = speech.synthesise(words, out)
                seconds = sound.audio_seconds(out)
            except (scratch_voice.VoiceError, speech.SpeechError, MediaError) as error:
                raise FinishError(str(error)) from error
            at = start + 0.15
            lines.append(sound.Line(out, at))
            cues.append(captions_.Cue(at, at + seconds, words))
            name = (
                "Scratch voice (eSpeak NG)" if source == "scratch" else "Voice-over (synthesised)"
            )
            kind = _mime(out.suffix.lstrip("."))
            ingredients.append(manifests.Ingredient(f"{name}: {words[:40]}", out, kind))
    elif source == "recording" and plan["sound"].get("recording_key"):
        recording = _fetch(plan["sound"]["recording_key"], work / "recording")
        lines.append(sound.Line(recording, 0.0))
        ingredients.append(
            manifests.Ingredient(
                "Voice-over recording", recording, _mime(plan["sound"]["recording_type"])
            )
        )
        cues += _recorded_cues([words for _, _, words in script], recording)
    cues.sort(key=lambda c: c.start)
    return lines, cues, ingredients


def _recorded_cues(script: list[str], recording: Path) -> list[captions_.Cue]:
    """The script's lines on a recording's speech: one line per stretch of speech when they
    match in number, else the speech's time shared out by the lines' lengths."""
    if not script:
        return []
    spans = sound.speech_spans(recording)
    if not spans:
        return []
    if len(spans) == len(script):
        return [captions_.Cue(a, b, words) for (a, b), words in zip(spans, script, strict=True)]
    begin, end = spans[0][0], spans[-1][1]
    weights = [max(1, len(words)) for words in script]
    cues, at = [], begin
    for words, weight in zip(script, weights, strict=True):
        length = (end - begin) * weight / sum(weights)
        cues.append(captions_.Cue(at, at + length, words))
        at += length
    return cues


def _encode(
    plan: Plan,
    pieces: Pieces,
    card_png: Path | None,
    boxes: list[dict[str, Any]],
    ass: Path | None,
    font_path: Path | None,
    mixed: Path,
    total: float,
    work: Path,
) -> Path:
    width, height, fps = plan["width"], plan["height"], plan["fps"]
    inputs: list[str] = []
    chains: list[str] = []
    labels_ = ""
    for i, (piece, path, _) in enumerate(pieces):
        inputs += ["-protocol_whitelist", "file", "-f", "mp4", "-i", str(path)]
        chains.append(
            f"[{i}:v:0]trim=start={piece['in']:.3f}:end={piece['out']:.3f},setpts=PTS-STARTPTS,"
            f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},"
            f"setsar=1,fps={fps},format=yuv420p[v{i}]"
        )
        labels_ += f"[v{i}]"
    index = len(pieces)
    if card_png is not None:
        seconds = plan["card"]["seconds"]
        inputs += [
            "-loop",
            "1",
            "-framerate",
            str(fps),
            "-t",
            f"{seconds:.3f}",
            "-i",
            str(card_png),
        ]
        chains.append(f"[{index}:v:0]scale={width}:{height},setsar=1,fps={fps},format=yuv420p[vc]")
        labels_ += "[vc]"
        index += 1
    count = len(pieces) + (1 if card_png is not None else 0)
    chains.append(f"{labels_}concat=n={count}:v=1:a=0[base]")
    current = "[base]"
    for k, placed in enumerate(b for b in boxes if b["kind"] == "super"):
        png = typesetting.draw(
            typesetting.Set(tuple(placed["lines"]), placed["size"], Box(*placed["box"])),
            font_path, plan["look"]["colour"], work / f"super-{k:02d}.png",
        )  # fmt: skip
        inputs += ["-i", str(png)]
        left, top = placed["box"][:2]
        chains.append(
            f"{current}[{index}:v:0]overlay={left}:{top}:"
            f"enable='between(t,{placed['start']:.3f},{placed['end'] - 0.001:.3f})'[o{k}]"
        )
        current = f"[o{k}]"
        index += 1
    if ass is not None:
        fonts = Path(font_path).parent if font_path else typesetting.DEFAULT_FONT.parent
        chains.append(f"{current}subtitles=filename={ass}:fontsdir={fonts}[subbed]")
        current = "[subbed]"
    if plan.get("ai_label"):
        png, margin = labels.label_image(work / "label.png", height)
        inputs += ["-i", str(png)]
        chains.append(f"{current}[{index}:v:0]overlay={margin}:{margin}[labelled]")
        current = "[labelled]"
        index += 1
    chains.append(f"{current}format=yuv420p[vout]")
    inputs += ["-i", str(mixed)]
    chains.append(f"[{index}:a:0]aresample={sound.RATE}[aout]")
    kbps = plan["video_kbps"]
    out = work / "encoded.mp4"
    _run(
        [*inputs, "-filter_complex", ";".join(chains), "-map", "[vout]", "-map", "[aout]",
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
         "-b:v", f"{kbps}k", "-maxrate", f"{round(kbps * 1.5)}k", "-bufsize", f"{kbps * 2}k",
         "-g", str(max(1, fps // 2)), "-r", str(fps),
         "-c:a", "aac", "-b:a", f"{plan['audio_kbps']}k", "-ar", str(sound.RATE), "-ac", "2",
         "-t", f"{total:.3f}", "-movflags", "+faststart", str(out)],
        "finish the spot", timeout=600,
    )  # fmt: skip
    return out
