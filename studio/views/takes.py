"""Takes on the shot page: the batched progress poll, cancel, remix, and the media."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from generation import jobs, storage
from studio.shots import editing
from studio.team.access import get_shot_for_user, get_take_for_user
from studio.views import AuthedHtmxRequest, parse_id
from studio.views.shot_page import shot_page_context

PAGE = "studio/shot_detail.html"
MAX_POLL_IDS = 50


@login_required
@require_GET
def takes_poll(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """One batched poll per page: the cards asked for, as out-of-band swaps, and the poller
    again only while any of them is still in flight."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    ids = [i for i in map(parse_id, request.GET.get("ids", "").split(",")) if i][:MAX_POLL_IDS]
    takes = list(shot.takes_newest_first().filter(pk__in=ids))
    context = shot_page_context(
        request,
        shot,
        takes=takes,
        poll_ids=[t.pk for t in takes if t.changing],
        oob=True,
    )
    return render(request, f"{PAGE}#takes-poll", context)


@login_required
@require_POST
def take_cancel(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "generate")
    if not jobs.request_cancel(take, request.user):
        messages.error(request, f"Take {take.take} can no longer be cancelled.")
    take.refresh_from_db()
    if not request.htmx:
        return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")
    take.shot.my_role = take.my_role
    return render(request, f"{PAGE}#take-card", shot_page_context(request, take.shot, take=take))


@login_required
@require_POST
def take_remix(request: AuthedHtmxRequest, render_id: int):
    """A new take that changes one thing of a completed one (OpenAI remix, Runware videoId).
    Its batch key derives from the page's and the take's, so a re-sent remix form makes it
    once and never collides with the page's own Save and generate."""
    take = get_take_for_user(request, render_id, "generate")
    try:
        page_key = uuid.UUID(request.POST.get("batch_key", ""))
    except ValueError:
        page_key = None
    try:
        (new,) = editing.request_takes(
            take.shot,
            request.user,
            remix_of=take,
            remix_prompt=request.POST.get("prompt", ""),
            batch_key=uuid.uuid5(page_key, f"remix-{take.pk}") if page_key else None,
        )
    except editing.TakeRequestError as error:
        messages.error(request, f"No remix was made: {error.message}")
        return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")
    messages.success(
        request,
        f"Take {new.take} queued: a remix of take {take.take}.",
        extra_tags="while-working",
    )
    return redirect(f"{take.shot.get_absolute_url()}#takes")


@login_required
@require_POST
def take_again(request: AuthedHtmxRequest, render_id: int):
    """One click after a take failed (lost on a GPU that restarted, refused, timed out): a new
    take of the shot as it is now. Its batch key derives from the failed take's, so a double
    click makes it once."""
    take = get_take_for_user(request, render_id, "generate")
    if take.status not in ("failed", "expired"):
        messages.error(request, f"Take {take.take} did not fail; nothing was made.")
        return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")
    try:
        (new,) = editing.request_takes(
            take.shot, request.user, batch_key=uuid.uuid5(take.idempotency_key, "again")
        )
    except editing.TakeRequestError as error:
        messages.error(request, f"No take was made: {error.message}")
        return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")
    messages.success(request, f"Take {new.take} queued in place of take {take.take}.")
    return redirect(f"{take.shot.get_absolute_url()}#takes")


@login_required
@require_GET
def take_media(request: AuthedHtmxRequest, render_id: int, variant: str):
    """A take's video, poster, spritesheet or the reference image it was sent with."""
    take = get_take_for_user(request, render_id, "view")
    key = {
        "video": take.video_key,
        "thumbnail": take.thumbnail_key,
        "spritesheet": take.spritesheet_key,
        "reference": take.reference_image_key,
    }.get(variant)
    if not key:
        raise Http404
    return storage.serve(request, key)
