"""Text set on the picture (a spot's supers, its end card's words), drawn with Pillow in the
brand's font and measured before anything is rendered: a line that cannot fit inside the
channel's safe zone is said so, with how much is too much, instead of running off the frame."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from generation import storage

DEFAULT_FONT = Path(__file__).with_name("fonts") / "DejaVuSans-Bold.ttf"
MAX_LINES = 3
SMALLEST = 0.7  # of the preferred size: below this, text is too long for the frame


class DoesNotFit(ValueError):
    """The text cannot be set inside the box at a readable size."""


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def holds(self, other: Box) -> bool:
        return (
            other.left >= self.left
            and other.top >= self.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.right, self.bottom]


@dataclass(frozen=True)
class Set:
    """Text set for the picture: its lines, the font size and where the block goes."""

    lines: tuple[str, ...]
    size: int
    box: Box  # the block, padding included, in the frame's pixels


def font_file(key: str, sha256: str) -> Path:
    """A stored font on this machine's disk, fetched once (named by its content's hash)."""
    folder = Path(settings.VAR_DIR) / "cache" / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}{Path(key).suffix}"
    if not path.is_file():
        storage.fetch(key).path.replace(path)
    return path


def font(path: Path | str | None, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path or DEFAULT_FONT), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels; a single word wider than that stays whole (and the
    caller finds the block too wide)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if not current or face.getlength(trial) <= width:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def fit(text: str, font_path: Path | str | None, size: int, width: int) -> tuple[list[str], int]:
    """The lines and size at which `text` fits `width` in at most three lines, trying down to
    70 % of `size`. Raises DoesNotFit saying what would."""
    smallest = max(8, round(size * SMALLEST))
    for trial in range(size, smallest - 1, -max(1, size // 12)):
        face = font(font_path, trial)
        lines = wrap(text, face, width)
        if len(lines) <= MAX_LINES and all(face.getlength(line) <= width for line in lines):
            return lines, trial
    face = font(font_path, smallest)
    lines = wrap(text, face, width)
    widest = max((face.getlength(line) for line in lines), default=0)
    if widest > width:
        raise DoesNotFit(
            f"“{_start(text)}” has a word too wide for the frame's safe area "
            f"({round(widest)} px of {width}). Shorten it or break it."
        )
    raise DoesNotFit(
        f"“{_start(text)}” needs {len(lines)} lines in the safe area (at most {MAX_LINES}). "
        "Shorten it."
    )


def _start(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def place(
    text: str, font_path: Path | str | None, safe: Box, position: str, frame_height: int
) -> Set:
    """Where a super goes: top, centre or lower third of the frame, always inside `safe`."""
    size = max(14, round(min(safe.width / 0.9, frame_height * 0.6) * 0.06))
    pad = max(6, size // 3)
    lines, size = fit(text, font_path, size, safe.width - 2 * pad)
    face = font(font_path, size)
    line_height = round(size * 1.25)
    width = round(max(face.getlength(line) for line in lines)) + 2 * pad
    height = line_height * len(lines) + 2 * pad
    if height > safe.height:
        raise DoesNotFit(f"“{_start(text)}” is taller than the frame's safe area. Shorten it.")
    left = safe.left + (safe.width - width) // 2
    if position == "top":
        top = safe.top
    elif position == "centre":
        top = safe.top + (safe.height - height) // 2
    else:  # lower third: its foot at the lower third's foot, or the safe area's
        top = min(safe.bottom, round(frame_height * 0.85)) - height
        top = max(safe.top, top)
    return Set(tuple(lines), size, Box(left, top, left + width, top + height))


def draw(placed: Set, font_path: Path | str | None, colour: str, out: Path) -> Path:
    """The block as a PNG of its own size (text on a translucent dark band), to overlay at
    `placed.box`'s corner."""
    box = placed.box
    image = Image.new("RGBA", (box.width, box.height), (0, 0, 0, 150))
    face = font(font_path, placed.size)
    pen = ImageDraw.Draw(image)
    pad = max(6, placed.size // 3)
    line_height = round(placed.size * 1.25)
    for i, line in enumerate(placed.lines):
        x = (box.width - face.getlength(line)) / 2
        pen.text((x, pad + i * line_height), line, font=face, fill=colour)
    image.save(out)
    return out


def card_sizes(width: int, height: int) -> tuple[int, int]:
    """The end card's call to action and legal line sizes for a frame."""
    return max(16, round(min(width, height) * 0.07)), max(12, round(min(width, height) * 0.025))


def check_card(
    width: int, height: int, safe: Box, call: str, legal: str, font_path: Path | str | None
) -> None:
    """The end card's words fit the safe area (before anything is rendered), or DoesNotFit."""
    call_size, legal_size = card_sizes(width, height)
    if call:
        fit(call, font_path, call_size, safe.width)
    if legal:
        fit(legal, font_path, legal_size, safe.width)


def end_card(
    width: int,
    height: int,
    safe: Box,
    background: Image.Image | str,
    logo: Path | None,
    call: str,
    legal: str,
    font_path: Path | str | None,
    colour: str,
    out: Path,
) -> tuple[Path, list[Box]]:
    """The end card as one picture: the logo, the call to action under it and the legal line at
    the foot of the safe area, all inside it. Returns the PNG and the boxes of its words."""
    if isinstance(background, str):
        card = Image.new("RGB", (width, height), background)
    else:
        card = background.convert("RGB").resize((width, height))
        card = Image.blend(card, Image.new("RGB", (width, height), "black"), 0.55)
    pen = ImageDraw.Draw(card)
    boxes: list[Box] = []
    legal_top = safe.bottom
    call_size, legal_size = card_sizes(width, height)
    if legal:
        lines, size = fit(legal, font_path, legal_size, safe.width)
        face = font(font_path, size)
        line_height = round(size * 1.3)
        legal_top = safe.bottom - line_height * len(lines)
        for i, line in enumerate(lines):
            x = safe.left + (safe.width - face.getlength(line)) / 2
            pen.text((x, legal_top + i * line_height), line, font=face, fill=colour)
        boxes.append(Box(safe.left, legal_top, safe.right, safe.bottom))
    block_bottom = legal_top - round(height * 0.03)
    mark = None
    if logo is not None:
        with Image.open(logo) as opened:
            mark = opened.convert("RGBA")
        mark.thumbnail((round(safe.width * 0.6), round(safe.height * 0.3)))
    call_lines: list[str] = []
    if call:
        call_lines, call_size = fit(call, font_path, call_size, safe.width)
    call_height = round(call_size * 1.25) * len(call_lines)
    gap = round(height * 0.03) if mark is not None and call_lines else 0
    total = (mark.height if mark is not None else 0) + gap + call_height
    if safe.top + total > block_bottom:
        raise DoesNotFit(
            "The end card's logo, call to action and legal line do not fit the safe area. "
            "Shorten them."
        )
    top = safe.top + (block_bottom - safe.top - total) // 2
    if mark is not None:
        card.paste(mark, (safe.left + (safe.width - mark.width) // 2, top), mark)
        top += mark.height + gap
    if call_lines:
        face = font(font_path, call_size)
        for i, line in enumerate(call_lines):
            x = safe.left + (safe.width - face.getlength(line)) / 2
            pen.text((x, top + i * round(call_size * 1.25)), line, font=face, fill=colour)
        boxes.append(Box(safe.left, top, safe.right, top + call_height))
    card.save(out)
    return out, boxes
