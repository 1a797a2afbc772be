"""The visible "AI-generated" label, burned into a delivered file (ffmpeg's overlay of a label
drawn with Pillow): white on black in the top-left corner, sized to the picture, on every frame.
The sound is copied as it is."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from generation.media import H264, SAFE_INPUT, _run, _written, probe

LABEL = "AI-generated"


def label_image(out: Path, height: int, text: str = LABEL) -> tuple[Path, int]:
    """The label as a PNG for a picture `height` pixels high; returns it and its margin."""
    size = max(12, height // 22)
    font = ImageFont.load_default(size=size)
    pad = max(4, size // 3)
    left, top, right, bottom = (int(v) for v in font.getbbox(text))
    image = Image.new("RGB", (right - left + 2 * pad, bottom - top + 2 * pad), "black")
    ImageDraw.Draw(image).text((pad - left, pad - top), text, fill="white", font=font)
    image.save(out)
    return out, max(8, height // 36)


def burn_label(video: Path, out: Path, text: str = LABEL) -> Path:
    """`video` with the label on every frame, written to `out`."""
    info = probe(video)
    png, margin = label_image(out.with_suffix(".label.png"), info.height, text)
    try:
        _run(
            [
                *SAFE_INPUT,
                "-i",
                str(video),
                "-i",
                str(png),
                "-filter_complex",
                f"[0:v][1:v]overlay={margin}:{margin}",
                *H264,
                "-c:a",
                "copy",
                "-movflags",
                "+faststart",
                str(out),
            ],
            "burn in the label",
        )
    finally:
        png.unlink(missing_ok=True)
    return _written(out, "burn in the label")
