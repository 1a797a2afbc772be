"""The shot's reference image (first frame): upload, fit to the output size, remove, and the
file itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from generation import catalog, storage
from studio.access import allowed_actions, get_shot_for_user
from studio.editor_forms import FitForm, ReferenceImageForm
from studio.models import Shot

PAGE = "studio/shot_detail.html"


def _known_size(value: str | None, shot: Shot) -> str:
    """The size the editor shows now (it may be unsaved), if it is a size Reelroom knows."""
    if value and any(value in m.sizes for m in catalog.MODELS.values()):
        return value
    return shot.size


def _reference_response(request, shot, form=None, status=200):
    if not request.htmx:
        return redirect(shot)
    params = request.POST if request.method == "POST" else request.GET
    context = {
        "shot": shot,
        "campaign": shot.campaign,
        "reference_form": form or ReferenceImageForm(),
        "output_size": catalog.parse_size(_known_size(params.get("size"), shot)),
        "perms_": allowed_actions(shot.my_role),
    }
    response = render(request, f"{PAGE}#reference", context, status=status)
    if request.method == "POST":
        # The image changed: the preview re-checks it against the model.
        response = trigger_client_event(response, "specChanged", after="settle")
    return response


@login_required
@require_GET
def reference_card(request, campaign_id: int, shot_id: int):
    """The reference card again, for the size now chosen in the editor."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_upload(request, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ReferenceImageForm(request.POST, request.FILES)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, " ".join(form.errors.get("image", ["Upload failed."])))
        return _reference_response(request, shot, form, status=422)
    shot.set_reference(form.cleaned_data["image"], form.info)
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_fit(request, campaign_id: int, shot_id: int):
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
def reference_remove(request, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    shot.clear_reference()
    return _reference_response(request, shot)


@login_required
@require_GET
def reference_file(request, campaign_id: int, shot_id: int, which: str):
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    key = {"original": shot.reference_original, "image": shot.reference_image}.get(which)
    if not key:
        raise Http404
    return storage.serve(request, key, cache_seconds=300)
