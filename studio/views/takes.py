"""Takes on the shot page: generate, the batched progress poll, cancel, and the media."""

from __future__ import annotations

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import F
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from generation import catalog, jobs, storage
from generation.models import IN_FLIGHT, Render
from studio.access import _get_shot_for_user, _require, allowed_actions
from studio.views import parse_id

PAGE = "studio/shot_detail.html"
MAX_POLL_IDS = 50
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.ASCII)


def take_cards(shot) -> list[Render]:
    takes = list(shot.renders.select_related("remix_of").order_by("-take"))
    for take in takes:
        _describe(take)
    return takes


def _describe(take: Render) -> Render:
    model = catalog.get(take.model_key)
    take.model_label = model.label if model else take.model_key
    take.can_remix = bool(model and model.remix and take.status == "completed")
    return take


def _take_for_user(request, render_id: int, action: str) -> Render:
    take = (
        Render.objects.filter(
            pk=render_id, shot__campaign__workspace__memberships__user=request.user
        )
        .select_related("shot__campaign__workspace")
        .annotate(my_role=F("shot__campaign__workspace__memberships__role"))
        .first()
    )
    _require(take.my_role if take else None, action)
    return take


@login_required
@require_POST
def shot_generate(request, campaign_id: int, shot_id: int):
    """Save what the editor shows, then make 1–4 takes of it."""
    from studio.views.editor import NOT_SAVED, render_editor, save_from_form

    shot = _get_shot_for_user(request, campaign_id, shot_id, "generate")
    form, analysis, _version = save_from_form(request, shot)
    if form.errors:
        messages.error(request, NOT_SAVED + " No take was made.")
        return render_editor(request, shot, form, analysis, status=422)
    try:
        takes = jobs.request_takes(
            shot,
            request.user,
            variations=form.cleaned_data.get("variations") or 1,
            batch_key=_batch_key(request.POST.get("batch_key")),
        )
    except jobs.TakeRequestError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        messages.error(request, f"No take was made: {error.message}")
        return render_editor(request, shot, form, analysis, status=422)
    numbers = ", ".join(str(t.take) for t in takes)
    messages.success(request, f"Take{'s' if len(takes) > 1 else ''} {numbers} queued.")
    return redirect(f"{shot.get_absolute_url()}#takes")


def _batch_key(value: str | None):
    import uuid

    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _remix_batch_key(page_key: str | None, take: Render):
    """One remix per page view and take, so a re-sent remix form makes it once."""
    import uuid

    base = _batch_key(page_key)
    return uuid.uuid5(base, f"remix-{take.pk}") if base else None


@login_required
@require_GET
def takes_poll(request, campaign_id: int, shot_id: int):
    """One batched poll per page: the cards asked for, as out-of-band swaps, and the poller
    again only while any of them is still in flight."""
    shot = _get_shot_for_user(request, campaign_id, shot_id, "view")
    ids = [i for i in map(parse_id, request.GET.get("ids", "").split(",")) if i][:MAX_POLL_IDS]
    takes = [
        _describe(t)
        for t in shot.renders.filter(pk__in=ids).select_related("remix_of").order_by("-take")
    ]
    in_flight = [t.pk for t in takes if t.status in IN_FLIGHT]
    return render(
        request,
        f"{PAGE}#takes-poll",
        {
            "shot": shot,
            "campaign": shot.campaign,
            "takes": takes,
            "poll_ids": in_flight,
            "perms_": allowed_actions(shot.my_role),
            "oob": True,
        },
    )


@login_required
@require_POST
def take_cancel(request, render_id: int):
    take = _take_for_user(request, render_id, "generate")
    if not jobs.request_cancel(take, request.user):
        messages.error(request, f"Take {take.take} can no longer be cancelled.")
    take.refresh_from_db()
    if request.htmx:
        _describe(take)
        return render(
            request,
            f"{PAGE}#take-card",
            {
                "take": take,
                "shot": take.shot,
                "campaign": take.shot.campaign,
                "perms_": allowed_actions(take.my_role),
            },
        )
    return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")


@login_required
@require_POST
def take_remix(request, render_id: int):
    """A new take that changes one thing of a completed one (OpenAI remix, Runware videoId)."""
    take = _take_for_user(request, render_id, "generate")
    try:
        (new,) = jobs.request_takes(
            take.shot,
            request.user,
            remix_of=take,
            remix_prompt=request.POST.get("prompt", ""),
            batch_key=_remix_batch_key(request.POST.get("batch_key"), take),
        )
    except jobs.TakeRequestError as error:
        messages.error(request, f"No remix was made: {error.message}")
        return redirect(f"{take.shot.get_absolute_url()}#take-{take.pk}")
    messages.success(request, f"Take {new.take} queued: a remix of take {take.take}.")
    return redirect(f"{take.shot.get_absolute_url()}#takes")


@login_required
@require_GET
def take_media(request, render_id: int, variant: str):
    """A take's video or thumbnail: a fresh presigned URL on S3, or the local file with
    Range support so the browser can seek."""
    take = _take_for_user(request, render_id, "view")
    key = {
        "video": take.video_key,
        "thumbnail": take.thumbnail_key,
        "spritesheet": take.spritesheet_key,
        "reference": take.reference_image_key,
    }.get(variant)
    if not key:
        raise Http404
    if storage.is_remote():
        response = redirect(storage.presigned_url(key))
        response["Cache-Control"] = "private, no-store"
        return response
    return ranged_file_response(request, key)


def ranged_file_response(request, key: str):
    try:
        size = default_storage.size(key)
        handle = default_storage.open(key, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    start, end, status = 0, size - 1, 200
    header = request.headers.get("Range", "")
    match = RANGE.match(header.strip()) if header else None
    # A Range header that does not parse is ignored (RFC 9110 §14.2): the whole file is sent.
    if match and match.groups() != ("", ""):
        first, last = match.groups()
        if first == "":
            start = max(0, size - int(last))
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        if start > end or start >= size:
            handle.close()
            return _unsatisfiable(size)
        status = 206
    handle.seek(start)
    length = end - start + 1

    def chunks(remaining=length, block=512 * 1024):
        try:
            while remaining > 0:
                data = handle.read(min(block, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(
        f"The requested range is outside the file ({size} bytes).",
        status=416,
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Range"] = f"bytes */{size}"
    return response
