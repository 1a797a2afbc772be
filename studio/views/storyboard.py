"""The storyboard (shots in order as cards, drag to reorder, running time per format, the
campaign's animatic) and the cuts: request one, watch it render, play and download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from generation import storage
from studio.models import Cut
from studio.production import cuts, storyboard
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest, parse_id, render_page

PAGE = "studio/storyboard.html"


def _context(request: AuthedHtmxRequest, campaign) -> dict:
    board = storyboard.board(campaign, request.user)
    perms = allowed_actions(campaign.my_role)
    return {"campaign": campaign, "board": board, "perms_": perms, "can_decide": "decide" in perms}


@login_required
@require_GET
def storyboard_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    return render_page(request, PAGE, _context(request, campaign), partial="cuts")


@login_required
@require_POST
def storyboard_order(request: AuthedHtmxRequest, campaign_id: int):
    """The shots in the order the strip was dragged to (every shot's id, once), or with one
    card moved a place by its arrow button (without JavaScript)."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    ids = storyboard.moved(
        [parse_id(v) for v in request.POST.getlist("shot")], request.POST.get("move", "")
    )
    if not storyboard.reorder(campaign, ids):
        messages.error(request, "The storyboard changed meanwhile; this is its order now.")
    if request.htmx:
        return render(request, f"{PAGE}#strip", _context(request, campaign))
    return redirect("studio:storyboard", campaign.pk)


@login_required
@require_POST
def cut_request(request: AuthedHtmxRequest, campaign_id: int):
    """A rough cut of one format (`format`), or the storyboard animatic (no format)."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    if request.POST.get("format") == "all":
        made = [
            cut
            for fmt in campaign.formats.all()
            if (cut := cuts.request_cut(campaign, fmt, request.user))
        ]
        if made:
            names = ", ".join(cut.format.name for cut in made if cut.format)
            count = len(made)
            messages.success(
                request,
                f"{count} rough cut{'s' if count != 1 else ''} queued: {names}.",
                extra_tags="while-working",
            )
        else:
            messages.error(request, "Nothing to cut yet: no shot has a hero take in any format.")
        return redirect(reverse("studio:storyboard", args=[campaign.pk]) + "#cuts")
    format_id = parse_id(request.POST.get("format"))
    fmt = campaign.formats.filter(pk=format_id).first() if format_id else None
    if format_id and fmt is None:
        raise Http404
    cut = cuts.request_cut(campaign, fmt, request.user)
    if cut is None:
        messages.error(request, "Nothing to cut yet: no shot has a hero take in this format.")
    else:
        messages.success(
            request,
            f"{cut.get_kind_display()} {cut.get_status_display().lower()}.",
            extra_tags="while-working",
        )
    return redirect(reverse("studio:storyboard", args=[campaign.pk]) + "#cuts")


@login_required
@require_GET
def cut_media(request: AuthedHtmxRequest, campaign_id: int, cut_id: int, variant: str):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    cut = Cut.objects.filter(pk=cut_id, campaign=campaign).select_related("format").first()
    key = {"video": cut.video_key, "thumbnail": cut.thumbnail_key}.get(variant) if cut else ""
    if cut is None or not key:
        raise Http404
    name = ""
    if request.GET.get("download") == "1" and variant == "video":
        part = cut.format.name if cut.format else "storyboard"
        name = f"{slugify(campaign.name)}-{slugify(part)}-cut-{cut.pk}.mp4"
    return storage.serve(request, key, download_as=name)
