"""Small real images made on the fly for upload tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(size=(640, 480), fmt="PNG", color=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(name="ref.png", size=(640, 480), fmt="PNG", data: bytes | None = None):
    content = data if data is not None else image_bytes(size, fmt)
    return SimpleUploadedFile(name, content, content_type="image/png")


def bomb_bytes() -> bytes:
    """A tiny PNG that claims 144 million pixels."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")
    return out.getvalue()
