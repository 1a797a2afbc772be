"""In and out points: where each cell's hero starts and ends in its format's spot (and so in the
versions made of it), set on the spots page or with I / O on the take's player."""

from __future__ import annotations

from studio.models import Campaign, Deliverable, Format
from studio.production.grid import grid


def set_trim(campaign: Campaign, fmt: Format, shot_id: int, start: float, end: float, user) -> str:
    """The in and out points of the cell's hero in the spot. Returns what went wrong, or ""."""
    the_grid = grid(campaign)
    column = [f.pk for f in the_grid.formats].index(fmt.pk)
    row = next((cells for shot, cells in the_grid.rows if shot.pk == shot_id), None)
    if row is None:
        return "That shot is not on this campaign's board."
    take = row[column].hero
    if take is None:
        return "This shot has no hero take in this format: choose one first."
    length = (take.duration_ms or take.seconds * 1000) / 1000
    if end > length + 0.01:
        return f"Take {take.take} lasts {length:.2f} s: the out point must be within it."
    Deliverable.objects.update_or_create(
        shot_id=shot_id,
        format=fmt,
        defaults={"trim_of": take.pk, "in_ms": round(start * 1000), "out_ms": round(end * 1000)},
        create_defaults={
            "trim_of": take.pk, "in_ms": round(start * 1000), "out_ms": round(end * 1000),
            "chosen_by": user,
        },
    )  # fmt: skip
    return ""


def clear_trim(fmt: Format, shot_id: int) -> None:
    Deliverable.objects.filter(shot_id=shot_id, format=fmt).update(
        trim_of=None, in_ms=None, out_ms=None
    )


def trim_take(take, start: float, end: float, user) -> tuple[list[str], str]:
    """The take's in and out points in every format whose spot shows it (the cells it is the
    hero of). Returns those formats' names, or what went wrong."""
    campaign = take.shot.campaign
    the_grid = grid(campaign)
    row = next((cells for shot, cells in the_grid.rows if shot.pk == take.shot_id), [])
    formats = [cell.format for cell in row if cell.hero is not None and cell.hero.pk == take.pk]
    if not formats:
        return [], "This take is not the hero of any format yet: choose it as the hero first."
    for fmt in formats:
        if problem := set_trim(campaign, fmt, take.shot_id, start, end, user):
            return [], problem
    return [f.name for f in formats], ""
