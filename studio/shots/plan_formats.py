"""The campaign's formats against the model a plan is drafted on, said plainly: the size the
plan is made at (the campaign's first format the model makes), the formats the model cannot
make, and the models that make all of them, with their price for the running time. No silent
fallback size: a model that makes none of the formats is planned at the size nearest the
first one (as the deliverables grid makes it), and the page says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generation import budget, catalog
from generation.catalog.specs import VideoModel
from studio.models import Campaign
from studio.models.production import nearest_size


@dataclass(frozen=True)
class Offer:
    key: str
    label: str
    price: Decimal | None  # a take of the running time, None without a published price


@dataclass
class FormatFit:
    size: str | None  # None only for a model of no sizes
    formats: list[str]  # the campaign's aspects
    missing: list[str] = field(default_factory=list)  # the aspects the model cannot make
    offers: list[Offer] = field(default_factory=list)  # models that make every aspect
    nearest: bool = False  # it makes none of them: the size is the shape nearest the first

    @property
    def note(self) -> str:
        """What the page says about the size, in a sentence."""
        size = catalog.size_label(self.size) if self.size else ""
        if not self.formats:
            return f"The campaign has no formats yet: planned at {size}, the model's first size."
        if self.size is None:
            return "This model has no size to plan at."
        if self.nearest:
            return (
                f"This model makes none of the campaign's formats ({', '.join(self.formats)}): "
                f"planned at {size}, the shape it makes nearest {self.formats[0]}."
            )
        said = f"Planned at {size}, the campaign's first format this model makes."
        if self.missing:
            said += f" It cannot make {', '.join(self.missing)}."
        return said


def _size(model: VideoModel, aspect: str) -> str | None:
    return next((s for s in model.sizes if catalog.matches_aspect(s, aspect)), None)


def fit(campaign: Campaign, model: VideoModel, seconds: int) -> FormatFit:
    formats = list(campaign.target_formats or [])
    if not formats:
        return FormatFit(model.sizes[0], formats)
    sizes = {aspect: _size(model, aspect) for aspect in formats}
    made = [a for a in formats if sizes[a]]
    found = FormatFit(
        sizes[made[0]] if made else None, formats, [a for a in formats if not sizes[a]]
    )
    if not made:  # the shape nearest the first format, as the deliverables grid makes it
        nearest = nearest_size(model.key, formats[0])
        found.size, found.nearest = (nearest[0] if nearest else None), True
    if found.missing:
        for other in catalog.offered_models():
            other_sizes = [_size(other, a) for a in formats]
            if other.key != model.key and all(other_sizes):
                price = budget.estimate(other.key, other_sizes[0] or "", seconds)
                found.offers.append(Offer(other.key, other.label, price))
    return found
