"""The whole spot in one take (issue 37): choose the shots and the model, see the prompt, its
timings and both prices before anything is sent, generate it; then each one-take with its
pieces (each a take of its shot), generated again, and compared with the per-shot edit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from generation.jobs import TakeRequestError
from studio.models import Cut, CutKind, Shot, Take
from studio.production import cuts, one_take, one_take_split
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest, parse_id, render_page

PAGE = "studio/one_take.html"


def _chosen(request: AuthedHtmxRequest, shots: list[Shot]) -> list[Shot]:
    """The ticked shots in board order (all of them when none is ticked, as on arrival)."""
    data = request.POST if request.method == "POST" else request.GET
    ids = {parse_id(v) for v in data.getlist("shot")} - {None}
    return [s for s in shots if s.pk in ids] if ids else shots


@dataclass
class Made:
    """A one-take take as the page shows it: its pieces, and whether any is still to cut."""

    take: Take
    pieces: list[Take]
    unsplit: bool


@dataclass
class OneTake:
    shot: Shot
    takes: list[Made]
    per_shot: Cut | None  # the edit of the same shots, each its own take: to compare with


def _one_takes(campaign) -> list[OneTake]:
    """The campaign's one-take spots, newest first, each take with its pieces (four queries)."""
    spots = list(Shot.one_takes.filter(campaign=campaign).order_by("-pk"))
    edits: dict[tuple, Cut] = {}
    for cut in Cut.objects.filter(campaign=campaign, kind=CutKind.PER_SHOT):  # newest first
        edits.setdefault(tuple(s["shot"] for s in cut.sources), cut)
    takes = list(Take.objects.filter(shot__in=spots).select_related("remix_of").order_by("-take"))
    board = set(campaign.shots.values_list("pk", flat=True))
    pieces: dict[int, list[Take]] = {}
    for piece in (
        Take.objects.filter(cut_from__in=takes).select_related("shot").order_by("shot__position")
    ):
        pieces.setdefault(piece.cut_from_id or 0, []).append(piece)
    found = []
    for spot in spots:
        made = []
        for take in (t for t in takes if t.shot_id == spot.pk):
            cut_up = pieces.get(take.pk, [])
            planned = {p["shot"] for p in one_take.parts_of_take(take)} & board
            unsplit = take.status == "completed" and bool(planned - {p.shot_id for p in cut_up})
            if unsplit:
                one_take_split.split_later(take.pk)  # its split was lost: queued again
            made.append(Made(take, cut_up, unsplit))
        found.append(OneTake(spot, made, edits.get(tuple(one_take.shots_of(spot)))))
    return found


def _made(campaign) -> dict:
    """The one-takes made, as the page's list (and its poll) shows them."""
    spots = _one_takes(campaign)
    return {
        "campaign": campaign,
        "one_takes": spots,
        "working": any(m.take.changing or m.unsplit for s in spots for m in s.takes)
        or any(s.per_shot and s.per_shot.in_flight for s in spots),
        "perms_": allowed_actions(campaign.my_role),
        "batch": uuid.uuid4(),
    }


def _context(request: AuthedHtmxRequest, campaign, chosen=None, model="", error="") -> dict:
    shots = list(campaign.shots.order_by("position", "pk"))
    chosen = _chosen(request, shots) if chosen is None else chosen
    return {
        **_made(campaign),
        "shots": shots,
        "chosen": {s.pk for s in chosen},
        "plan": one_take.plan(campaign, chosen, model),
        "error": error,
    }


def _batch(request: AuthedHtmxRequest) -> uuid.UUID | None:
    """The form's batch key: the same form sent twice makes its take once."""
    try:
        return uuid.UUID(request.POST.get("batch", ""))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def one_take_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(
        request, campaign_id, "generate" if request.method == "POST" else "view"
    )
    model = (request.POST if request.method == "POST" else request.GET).get("model", "")
    if request.method == "GET" and request.htmx and request.GET.get("part") == "made":  # poll
        return render_page(request, PAGE, _made(campaign), partial="made")
    if request.method == "GET":
        return render_page(request, PAGE, _context(request, campaign, model=model))
    shots = list(campaign.shots.order_by("position", "pk"))
    chosen = _chosen(request, shots)
    found = one_take.plan(campaign, chosen, model)
    try:
        if model and found.model and found.model.key != model:
            raise TakeRequestError("That model does not make this spot in one take.", "model")
        take = one_take.request(campaign, request.user, found, _batch(request))
    except TakeRequestError as error:
        context = _context(request, campaign, chosen=chosen, model=model, error=error.message)
        return render_page(request, PAGE, context, status=422)
    messages.success(
        request,
        f"The spot is being made in one take on {found.model.label if found.model else ''}: "
        "each shot gets its piece when it is done.",
        extra_tags="while-working",
    )
    return redirect(reverse("studio:one_take", args=[campaign.pk]) + f"#one-take-{take.shot_id}")


@login_required
@require_POST
def one_take_again(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """Another take of a one-take spot, as it was sent."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    spot = get_object_or_404(Shot.one_takes, pk=shot_id, campaign=campaign)
    try:
        one_take.again(spot, request.user, _batch(request))
    except TakeRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Generating the one-take spot again.", extra_tags="while-working")
    return redirect(reverse("studio:one_take", args=[campaign.pk]) + f"#one-take-{spot.pk}")


@login_required
@require_POST
def one_take_compare(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """The per-shot edit of the one-take's shots (each its own take), made to compare."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    spot = get_object_or_404(Shot.one_takes, pk=shot_id, campaign=campaign)
    if cuts.request_cut(campaign, None, request.user, shots=one_take.shots_of(spot)) is None:
        messages.error(request, "None of these shots is left on the board to make an edit of.")
    return redirect(reverse("studio:one_take", args=[campaign.pk]) + f"#one-take-{spot.pk}")
