"""A shot's frame images beyond the uploaded reference: a first or last frame made from another
shot's take (continuity) or from a brand asset, and the copies fitted to a format's size."""

from __future__ import annotations

import io
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from generation import catalog, storage
from studio.images import fit_image
from studio.models.take import Take

LAST_FRAME_FIELDS = ["last_frame_image", "last_frame_size", "last_frame_source"]


class FramesMixin:
    """Mixed into Shot (which owns the fields and `storage_prefix`)."""

    if TYPE_CHECKING:  # what the mixin reads of the Shot it is mixed into
        size: str
        reference_original: str
        reference_image: str
        reference_original_size: str
        reference_image_size: str
        reference_fit: str
        reference_source: str
        last_frame_image: str
        last_frame_size: str
        last_frame_source: str

        def storage_prefix(self) -> str: ...
        @property
        def reference_dimensions(self) -> tuple[int, int] | None: ...
        def fit_reference(self, mode: str, size: tuple[int, int]) -> None: ...
        def save(self, *args: Any, **kwargs: Any) -> None: ...

    def set_first_frame(self, data: bytes, size: tuple[int, int], source: str) -> None:
        """Use an image (already checked) as the first frame: kept as the original and fitted
        to the shot's size by centre crop when its size differs."""
        name = f"{self.storage_prefix()}/reference-{uuid.uuid4().hex[:12]}.png"
        key = default_storage.save(name, ContentFile(_as_png(data)))
        old = {self.reference_original, self.reference_image} - {""}
        self.reference_original = self.reference_image = key
        self.reference_original_size = self.reference_image_size = f"{size[0]}x{size[1]}"
        self.reference_fit = ""
        self.reference_source = source[:200]
        self.save(update_fields=[*_REFERENCE_FIELDS, "reference_source", "updated_at"])
        frame = catalog.parse_size(self.size)
        if tuple(size) != frame:
            self.fit_reference("crop", frame)
        self._forget(old)

    def set_last_frame(self, data: bytes, source: str) -> None:
        """The image the video must end on, fitted to the shot's size (centre crop)."""
        frame = catalog.parse_size(self.size)
        fitted = fit_image(data, frame, "crop")
        name = f"{self.storage_prefix()}/last-frame-{uuid.uuid4().hex[:12]}.png"
        key = default_storage.save(name, ContentFile(fitted))
        old = {self.last_frame_image} - {""}
        self.last_frame_image = key
        self.last_frame_size = f"{frame[0]}x{frame[1]}"
        self.last_frame_source = source[:200]
        self.save(update_fields=[*LAST_FRAME_FIELDS, "updated_at"])
        self._forget(old)

    def refit_last_frame(self) -> None:
        """Fit the last frame again, to the shot's (new) size."""
        with default_storage.open(self.last_frame_image, "rb") as fh:
            data = fh.read()
        self.set_last_frame(data, self.last_frame_source)

    def clear_last_frame(self) -> None:
        old = {self.last_frame_image} - {""}
        for name in LAST_FRAME_FIELDS:
            setattr(self, name, "")
        self.save(update_fields=[*LAST_FRAME_FIELDS, "updated_at"])
        self._forget(old)

    @property
    def last_frame_dimensions(self) -> tuple[int, int] | None:
        if not self.last_frame_image:
            return None
        width, _, height = self.last_frame_size.partition("x")
        return (int(width), int(height)) if width.isdigit() and height.isdigit() else None

    def frames_for(self, size: str) -> tuple[str, tuple[int, int] | None, str]:
        """The first frame (key and size) and last frame to send for a take at `size`: the
        shot's own at its size, else copies fitted to `size` by centre crop (made once)."""
        frame = catalog.parse_size(size)
        if size == self.size:
            return self.reference_image, self.reference_dimensions, self.last_frame_image
        first = self._fitted(self.reference_original, "reference", frame)
        last = self._fitted(self.last_frame_image, "last-frame", frame)
        return first, (frame if first else None), last

    def _fitted(self, key: str, kind: str, frame: tuple[int, int]) -> str:
        if not key:
            return ""
        name = f"{self.storage_prefix()}/{kind}-for-{frame[0]}x{frame[1]}-{_stem(key)}.png"
        if not default_storage.exists(name):
            with default_storage.open(key, "rb") as fh:
                data = fit_image(fh.read(), frame, "crop")
            name = default_storage.save(name, ContentFile(data))
        return name

    def _forget(self, keys: set[str]) -> None:
        in_use = {self.reference_original, self.reference_image, self.last_frame_image}
        sent = set(
            Take.objects.filter(reference_image_key__in=keys).values_list(
                "reference_image_key", flat=True
            )
        ) | set(
            Take.objects.filter(last_frame_key__in=keys).values_list("last_frame_key", flat=True)
        )
        storage.delete_quietly(keys - in_use - sent)


_REFERENCE_FIELDS = [
    "reference_original",
    "reference_original_size",
    "reference_image",
    "reference_image_size",
    "reference_fit",
]


def _stem(key: str) -> str:
    return key.rsplit("/", 1)[-1].rsplit(".", 1)[0][:40]


def _as_png(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
        return out.getvalue()
