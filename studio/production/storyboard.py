"""The campaign's storyboard: its shots in order with their hero posters and lengths, the running
time per format, the cuts, and reordering by drag and drop."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from studio import queue
from studio.models import Campaign, Cut, Format, Shot
from studio.production.grid import Cell, grid


@dataclass
class Card:
    shot: Shot
    poster: object  # a Render or None
    seconds: float


@dataclass
class FormatRun:
    format: Format
    seconds: float  # the heroes' own lengths, the shot's planned length where there is none
    delivered: int  # shots with a hero in this format
    cut: Cut | None


@dataclass
class Board:
    cards: list[Card]
    runs: list[FormatRun]
    storyboard_cut: Cut | None

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.cards)

    @property
    def in_flight(self) -> bool:
        return any(c and c.in_flight for c in [self.storyboard_cut, *(r.cut for r in self.runs)])


def _length(cell: Cell | None, shot: Shot) -> float:
    take = cell.hero if cell else None
    if take is not None and take.duration_ms:
        return take.duration_ms / 1000
    return float(shot.seconds)


def board(campaign: Campaign, viewer=None) -> Board:
    the_grid = grid(campaign, viewer)
    cards = []
    for shot, cells in the_grid.rows:
        posters = [c.poster for c in cells if c.poster is not None]
        poster = shot.representative_take(posters)
        seconds = (poster.duration_ms / 1000) if poster and poster.duration_ms else shot.seconds
        cards.append(Card(shot, poster, seconds))
    latest: dict[tuple[str, int | None], Cut] = {}
    for cut in Cut.objects.filter(campaign=campaign).select_related("format"):
        latest.setdefault((cut.kind, cut.format_id), cut)  # newest first
    runs = []
    for index, fmt in enumerate(the_grid.formats):
        column = [(shot, cells[index]) for shot, cells in the_grid.rows]
        runs.append(
            FormatRun(
                fmt,
                sum(_length(cell, shot) for shot, cell in column),
                sum(1 for _, cell in column if cell.hero is not None),
                latest.get(("rough", fmt.pk)),
            )
        )
    return Board(cards, runs, latest.get(("storyboard", None)))


def moved(ids: list[int | None], move: str) -> list[int | None]:
    """The order with one shot moved a place: `move` is "<id>:up" or "<id>:down"."""
    pk, _, direction = move.partition(":")
    if not pk.isdigit() or int(pk) not in ids or direction not in ("up", "down"):
        return ids
    ids = list(ids)
    index = ids.index(int(pk))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


def reorder(campaign: Campaign, ids: list[int | None]) -> bool:
    """Put the shots in this order. Every shot of the campaign must be named exactly once (a
    list from a page that is out of date changes nothing)."""
    with transaction.atomic():
        Campaign.lock(campaign.pk)
        current = list(Shot.objects.filter(campaign=campaign).values_list("pk", flat=True))
        named = [pk for pk in ids if pk is not None]
        if len(named) != len(ids) or len(named) != len(current) or set(named) != set(current):
            return False
        for position, pk in enumerate(named, start=1):
            Shot.objects.filter(pk=pk, campaign=campaign).update(position=position)
        queue.recut_later(campaign.pk)
    return True
