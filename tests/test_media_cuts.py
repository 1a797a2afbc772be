"""Real ffmpeg: the last frame of a take, and joining takes of different sizes, frame rates and
sound into one cut."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from generation import media


def _clip(path: Path, size: str, rate: int, seconds: float, audio: bool) -> Path:
    """A test pattern clip whose picture changes every frame (so the last frame is unique)."""
    args = [
        media.ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}",
    ]  # fmt: skip
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    args += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast"]
    args += ["-c:a", "aac", "-shortest"] if audio else []
    subprocess.run([*args, str(path)], check=True, timeout=60)
    return path


def test_last_frame_is_the_final_decoded_frame(tmp_path):
    video = _clip(tmp_path / "take.mp4", "320x240", 25, 2.2, audio=False)
    ours = media.last_frame(video, tmp_path / "last.png")
    # ffmpeg's own reading of the end: every frame of the last half second, the final one kept.
    frames = tmp_path / "frames"
    frames.mkdir()
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-sseof", "-0.5", "-i", str(video),
         "-fps_mode", "passthrough", str(frames / "%04d.png")],
        check=True, timeout=60,
    )  # fmt: skip
    final, before = sorted(frames.iterdir())[-1], sorted(frames.iterdir())[-2]
    with Image.open(ours) as a, Image.open(final) as b, Image.open(before) as c:
        assert a.size == b.size == (320, 240)
        same = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean
        other = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), c.convert("RGB"))).mean
    assert max(same) < 1.0, same
    assert max(other) > max(same)  # the frame before differs: it really is the last one


def test_last_frame_of_a_picture_that_ends_long_before_its_sound(tmp_path):
    # 1.5 s of picture under 5 s of sound: the file's last second has no frame to decode, so the
    # picture is read from the start and its final frame kept.
    video = tmp_path / "long-sound.mp4"
    subprocess.run(
        [media.ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1.5",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=5",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-c:a", "aac",
         str(video)],
        check=True, timeout=60,
    )  # fmt: skip
    assert media.probe(video).duration_ms >= 4500
    ours = media.last_frame(video, tmp_path / "last.png")
    frames = tmp_path / "frames"
    frames.mkdir()
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-i", str(video), "-map", "0:v:0",
         "-fps_mode", "passthrough", str(frames / "%04d.png")],
        check=True, timeout=60,
    )  # fmt: skip
    final, before = sorted(frames.iterdir())[-1], sorted(frames.iterdir())[-2]
    with Image.open(ours) as a, Image.open(final) as b, Image.open(before) as c:
        same = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean
        other = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), c.convert("RGB"))).mean
    assert max(same) < 1.0, same
    assert max(other) > max(same)  # the frame before differs: it really is the last one


def test_last_frame_refuses_a_file_that_is_not_a_video(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    with pytest.raises(media.MediaError):
        media.last_frame(bad, tmp_path / "x.png")


def test_concat_normalises_size_rate_and_sound(tmp_path):
    clips = [
        (_clip(tmp_path / "a.mp4", "1280x720", 24, 2.0, audio=True), 2.0, True),
        (_clip(tmp_path / "b.mp4", "720x1280", 30, 1.5, audio=False), 1.5, False),
        (_clip(tmp_path / "c.mp4", "640x480", 25, 2.5, audio=True), 2.5, True),
    ]
    for path, seconds, audio in clips:
        info = media.probe(path)
        assert info.has_audio is audio
        assert abs(info.duration_ms / 1000 - seconds) < 0.1
    out = media.concat(
        [media.Clip(p, s, a) for p, s, a in clips], tmp_path / "cut.mp4", 1280, 720, fps=24
    )
    info = media.probe(out)
    assert abs(info.duration_ms / 1000 - 6.0) <= 0.1
    assert (info.width, info.height) == (1280, 720)
    assert info.fps == 24
    assert info.has_audio
    # One video and one audio stream, the audio as long as the picture (sound throughout).
    streams = subprocess.run(
        [media.ffmpeg(), "-hide_banner", "-i", str(out), "-map", "0:a", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    ).stderr  # fmt: skip
    audio_time = [line for line in streams.splitlines() if "time=" in line][-1]
    seconds = audio_time.split("time=")[1].split()[0]
    h, m, s = seconds.split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + float(s) - 6.0) <= 0.1


def test_the_animatics_progress_bar_runs_along_the_bottom_as_the_clip_plays(tmp_path):
    from generation.media import animatic

    spec = {"title": "Bar", "prompt": "A cup.", "width": 640, "height": 360, "seconds": 4,
            "audio": False, "structure": {"scene": "A cup."}}  # fmt: skip
    out = tmp_path / "bar.mp4"
    animatic.render(spec, out, lambda percent: None)
    bar = max(4, 360 // 90)

    def orange_share(at: float) -> float:
        raw = subprocess.run(
            [media.ffmpeg(), "-loglevel", "error", "-ss", str(at), "-i", str(out),
             "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        row = raw[(360 - bar // 2) * 640 * 3 : (360 - bar // 2 + 1) * 640 * 3]
        red, green, blue = row[0::3], row[1::3], row[2::3]
        hits = sum(
            1 for r, g, b in zip(red, green, blue, strict=True) if r > 170 and g < 120 and b < 70
        )
        return hits / 640

    early, middle, late = orange_share(0.5), orange_share(2.0), orange_share(3.7)
    assert 0.05 < early < 0.25 and 0.4 < middle < 0.6 and late > 0.85, (early, middle, late)
