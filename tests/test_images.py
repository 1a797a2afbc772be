from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from studio.images import check_image, fit_image
from tests.images import bomb_bytes, image_bytes, upload


def test_a_real_image_passes():
    for fmt in ("PNG", "JPEG", "WEBP"):
        info = check_image(upload(size=(1280, 720), fmt=fmt))
        assert (info.width, info.height, info.format) == (1280, 720, fmt)


def test_a_text_file_named_png_is_refused():
    with pytest.raises(ValidationError, match="not a readable image"):
        check_image(upload(name="ref.png", data=b"hello, I am text\n" * 100))


def test_an_image_over_20_mb_is_refused():
    with pytest.raises(ValidationError, match="limit is 20 MB"):
        check_image(upload(data=image_bytes() + b"\0" * (20 * 1024 * 1024)))


@pytest.mark.parametrize("size", [(200, 800), (800, 299), (2049, 1000)])
def test_sides_outside_300_to_2048_are_refused(size):
    with pytest.raises(ValidationError, match="between 300 and 2048"):
        check_image(upload(size=size))


def test_a_decompression_bomb_is_refused():
    data = bomb_bytes()
    assert len(data) < 1024 * 1024  # small on disk, enormous when decoded
    with pytest.raises(ValidationError, match="enormous number of pixels"):
        check_image(upload(data=data))


def test_a_gif_is_refused_by_content():
    out = io.BytesIO()
    Image.new("RGB", (400, 400)).save(out, format="GIF")
    with pytest.raises(ValidationError, match="GIF image; use JPEG, PNG or WebP"):
        check_image(upload(name="looks.jpg", data=out.getvalue()))


def test_a_truncated_image_is_refused():
    data = image_bytes((800, 800), "JPEG")
    with pytest.raises(ValidationError):
        check_image(upload(data=data[: len(data) // 3]))


def test_fit_by_centre_crop_fills_the_frame():
    source = image_bytes((1000, 1000), color=(255, 0, 0))
    fitted = Image.open(io.BytesIO(fit_image(source, (1280, 720), "crop")))
    assert fitted.size == (1280, 720)
    assert fitted.getpixel((0, 0)) == (255, 0, 0)
    assert fitted.getpixel((1279, 360)) == (255, 0, 0)


def test_fit_by_padding_keeps_the_whole_image():
    source = image_bytes((1000, 1000), color=(255, 0, 0))
    fitted = Image.open(io.BytesIO(fit_image(source, (1280, 720), "pad")))
    assert fitted.size == (1280, 720)
    assert fitted.getpixel((10, 360)) == (0, 0, 0)  # letterbox bar
    assert fitted.getpixel((640, 360)) == (255, 0, 0)
