"""The client's spots through a campaign link: each format's finished ad, played with its
captions, commented on (time-coded, a range) and approved or sent back where the link lets
them. Only current spots that pass their preflight are shown."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from generation import storage
from studio.models import SpotComment, SpotDecision
from studio.production import spot_review
from studio.review.comments import clean_guest_name
from studio.team.access import get_link_for_guest, get_spot_for_guest
from studio.views import HtmxRequest
from studio.views.share import (
    NO_COMMENTS,
    NO_SPOT_DECISIONS,
    guest_page,
    guest_write_refused,
    verdict_said,
)
from studio.views.spots import timecodes


def _shown(link, spot):
    """The spot as the guest may see it: the current spot of its format, passing preflight."""
    reviewed = next((r for r in spot_review.for_guest(link) if r.shown.shown == spot), None)
    if reviewed is None:
        raise Http404
    return reviewed


def _page(request, link, token, reviewed, status=200, **extra):
    spot = reviewed.shown.shown
    context = {
        "link": link,
        "token": token,
        "spot": spot,
        "reviewed": reviewed,
        "channel": spot.format.channel,
        "comments": SpotComment.objects.filter(spot=spot, visible_to_guests=True).select_related(
            "author", "shot"
        ),
        "client_decision": SpotDecision.objects.filter(spot=spot, reviewer__isnull=True).first(),
        "guest_name": request.POST.get("guest_name") or request.session.get("guest_name", ""),
        "error": "",
        "decision_error": "",
        **extra,
    }
    return render(request, "studio/guest/spot.html", context, status=status)


@guest_page
@require_http_methods(["GET", "POST"])
def guest_spot(request: HtmxRequest, token: str, spot_id: int):
    link, spot = get_spot_for_guest(request, token, spot_id)
    reviewed = _shown(link, spot)
    if request.method == "POST":
        if refused := guest_write_refused(request, link, link.allow_comments, NO_COMMENTS):
            return refused
        name = clean_guest_name(request.POST.get("guest_name", ""))
        try:
            spot_review.comment(
                spot, request.POST.get("body", ""), guest_name=name, link=link,
                **timecodes(request.POST),
            )  # fmt: skip
        except ValidationError as problem:
            return _page(request, link, token, reviewed, 422, error=problem.messages[0])
        request.session["guest_name"] = name
        return redirect("studio:guest_spot", token=token, spot_id=spot.pk)
    return _page(request, link, token, reviewed)


@guest_page
@require_POST
def guest_spot_decide(request: HtmxRequest, token: str, spot_id: int):
    link, spot = get_spot_for_guest(request, token, spot_id)
    reviewed = _shown(link, spot)
    if refused := guest_write_refused(request, link, link.allow_decisions, NO_SPOT_DECISIONS):
        return refused
    name = clean_guest_name(request.POST.get("guest_name", ""))
    verdict = request.POST.get("verdict", "")
    try:
        spot_review.decide(spot, verdict, request.POST.get("note", ""), link=link, name=name)
    except ValidationError as problem:
        return _page(request, link, token, reviewed, 422, decision_error=problem.messages[0])
    request.session["guest_name"] = name
    said = verdict_said(verdict)
    messages.success(request, f"Thank you, {name}: the {spot.format.name} spot is {said}.")
    return redirect("studio:guest_spot", token=token, spot_id=spot.pk)


@guest_page
@require_GET
def guest_spot_media(request: HtmxRequest, token: str, spot_id: int, variant: str):
    link, spot = get_spot_for_guest(request, token, spot_id)
    _shown(link, spot)
    keys = {"video": spot.video_key, "thumbnail": spot.thumbnail_key, "vtt": spot.vtt_key}
    key = keys.get(variant)
    if not key:
        raise Http404
    return storage.serve(request, key)


@guest_page
@require_POST
def guest_spots_decide(request: HtmxRequest, token: str):
    """The client approves every spot the link shows (or sends them all back) in one go."""
    link = get_link_for_guest(token)
    if not link.is_unlocked(request.session) or link.shot_id:
        raise Http404
    if refused := guest_write_refused(request, link, link.allow_decisions, NO_SPOT_DECISIONS):
        return refused
    name = clean_guest_name(request.POST.get("guest_name", ""))
    verdict = request.POST.get("verdict", "")
    try:
        decided = spot_review.decide_shown(link, verdict, request.POST.get("note", ""), name)
    except ValidationError as problem:
        messages.error(request, problem.messages[0])
        return redirect("studio:guest_entry", token=token)
    request.session["guest_name"] = name
    said = verdict_said(verdict)
    messages.success(request, f"Thank you, {name}: {len(decided)} spots {said}.")
    return redirect("studio:guest_entry", token=token)
