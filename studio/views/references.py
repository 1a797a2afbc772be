"""The shot's frame images: the reference (first frame) uploaded, fitted to the output size or
removed; frames from the previous and next shots (continuity) or from a brand asset; the files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from generation import catalog, storage
from studio.models import Asset, Shot
from studio.shots import continuity
from studio.shots.editor_forms import FitForm, ReferenceImageForm
from studio.team.access import get_shot_for_user
from studio.views import AuthedHtmxRequest, parse_id
from studio.views.shot_page import shot_page_context

PAGE = "studio/shot_detail.html"


def _known_size(value: str | None, shot: Shot) -> str:
    """The size the editor shows now (it may be unsaved), if it is a size Reelroom knows."""
    if value and any(value in m.sizes for m in catalog.all_models()):
        return value
    return shot.size


def _reference_response(request: AuthedHtmxRequest, shot, form=None, status=200, error=""):
    if not request.htmx:
        return redirect(shot)
    params = request.POST if request.method == "POST" else request.GET
    context = shot_page_context(
        request,
        shot,
        reference_form=form or ReferenceImageForm(),
        output_size=catalog.parse_size(_known_size(params.get("size"), shot)),
        assets=Asset.objects.filter(workspace_id=shot.campaign.workspace_id),
        model=catalog.get(shot.model_key),
        frame_error=error,
    )
    response = render(request, f"{PAGE}#reference", context, status=status)
    if request.method == "POST":
        # The image changed: the preview re-checks it against the model.
        response = trigger_client_event(response, "specChanged", after="settle")
    return response


@login_required
@require_GET
def reference_card(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """The reference card again, for the size now chosen in the editor."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_upload(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ReferenceImageForm(request.POST, request.FILES)
    if not form.is_valid():
        if not request.htmx:
            messages.error(
                request, " ".join(str(e) for e in form.errors.get("image", ["Upload failed."]))
            )
        return _reference_response(request, shot, form, status=422)
    shot.set_reference(form.cleaned_data["image"], form.info)
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_fit(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = FitForm(request.POST)
    if not shot.reference_original or not form.is_valid():
        raise Http404
    size = _known_size(request.POST.get("size"), shot)
    if form.cleaned_data["mode"] == "original":
        shot.use_original_reference()
    else:
        shot.fit_reference(form.cleaned_data["mode"], catalog.parse_size(size))
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_remove(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    shot.clear_reference()
    return _reference_response(request, shot)


@login_required
@require_POST
def frames_from(request: AuthedHtmxRequest, campaign_id: int, shot_id: int, source: str):
    """A frame from elsewhere: "continue" (the previous shot's last frame), "bridge" (and the
    next shot's first frame as the last), "asset" (a brand asset as first or last frame), or
    "clear-last" (no last frame)."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    try:
        if source == "continue":
            continuity.continue_from_previous(shot)
        elif source == "bridge":
            continuity.bridge(shot)
        elif source == "asset":
            asset = Asset.objects.filter(
                pk=parse_id(request.POST.get("asset")) or 0, workspace_id=shot.campaign.workspace_id
            ).first()
            if asset is None:
                raise continuity.ContinuityError("Choose one of the workspace's assets.")
            continuity.attach_asset(shot, asset, request.POST.get("which", "first"))
        elif source == "clear-last":
            shot.clear_last_frame()
        else:
            raise Http404
    except continuity.ContinuityError as error:
        if not request.htmx:
            messages.error(request, str(error))
        return _reference_response(request, shot, status=422, error=str(error))
    return _reference_response(request, shot)


@login_required
@require_GET
def reference_file(request: AuthedHtmxRequest, campaign_id: int, shot_id: int, which: str):
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    key = {
        "original": shot.reference_original,
        "image": shot.reference_image,
        "last": shot.last_frame_image,
    }.get(which)
    if not key:
        raise Http404
    return storage.serve(request, key, cache_seconds=300)
