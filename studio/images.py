"""Reference images: checked by their content, never by their name, and fitted to a size."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

MAX_BYTES = 20 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 300, 2048
# Far above 2048×2048 but small enough that a decompression bomb is refused before decoding.
MAX_PIXELS = 2048 * 2048 * 2
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    format: str  # JPEG, PNG or WEBP

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def extension(self) -> str:
        return FORMATS[self.format]


def check_image(upload) -> ImageInfo:
    """JPEG, PNG or WebP by content, at most 20 MB, each side 300–2048 px, no bombs."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is 20 MB.",
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                fmt = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                if fmt not in FORMATS:
                    raise ValidationError(
                        f"This is a {fmt or 'unknown'} image; use JPEG, PNG or WebP.",
                        code="format",
                    )
                image.verify()
            # verify() leaves the image unusable; a full decode proves the data is complete.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "The image claims an enormous number of pixels and was refused.", code="bomb"
        ) from None
    except Exception:
        raise ValidationError(
            "This file is not a readable image. Upload a JPEG, PNG or WebP.", code="not_image"
        ) from None
    finally:
        upload.seek(0)
    for side, value in (("width", width), ("height", height)):
        if not MIN_SIDE <= value <= MAX_SIDE:
            raise ValidationError(
                f"The image is {width}×{height}; its {side} must be between {MIN_SIDE} and "
                f"{MAX_SIDE} pixels.",
                code="dimensions",
            )
    return ImageInfo(width, height, fmt)


def fit_image(data: bytes, size: tuple[int, int], mode: str) -> bytes:
    """A copy of the image at exactly `size`: "crop" fills and centre-crops, "pad" letterboxes."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
        if mode == "crop":
            fitted = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
        elif mode == "pad":
            fitted = ImageOps.pad(image, size, method=Image.Resampling.LANCZOS, color=(0, 0, 0))
        else:
            raise ValueError(f"unknown fit mode {mode!r}")
    out = io.BytesIO()
    fitted.save(out, format="PNG", optimize=True)
    return out.getvalue()
