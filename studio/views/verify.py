"""Verify Content Credentials: a member uploads an MP4 (checked by content and size like every
upload), or picks a take of theirs — as stored, or the copy delivered — and sees its manifest
tree: the claim generator, the signer and whether it is trusted, the actions, the ingredients
with their own manifests, and every validation error. Reading never signs anything."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from generation import storage
from generation.provenance import manifests
from studio.team.access import get_take_for_user
from studio.views import AuthedHtmxRequest, parse_id

PAGE = "studio/verify.html"


class VerifyForm(forms.Form):
    video = forms.FileField(label="An MP4 file")

    def clean_video(self):
        upload = self.cleaned_data["video"]
        upload.seek(0)
        if not manifests.looks_like_mp4(upload.read(12)):
            raise forms.ValidationError("This is not an MP4 file (it has no ISO BMFF header).")
        upload.seek(0)
        return upload


def _read_take(request: AuthedHtmxRequest, copy: str) -> dict:
    """The credentials of a take of the member's (`?take=`): 404 for anything that is not one
    of theirs, a clear answer for one whose video is not stored yet."""
    render_id = parse_id(request.GET.get("take"))
    if render_id is None:
        raise Http404
    take = get_take_for_user(request, render_id, "view")
    delivered = take.delivered(labelled=copy == "labelled") if copy else {}
    key = delivered.get("key") or take.video_key
    if not key:
        return {"problem": f"{take} has no video yet: verify it once it is stored."}
    fetched = storage.fetch(key)
    try:
        summary, store = manifests.read(fetched.path)
    finally:
        fetched.path.unlink(missing_ok=True)
    which = "the copy delivered" if delivered else "as stored"
    return {"subject": f"{take}, {which}", "summary": summary, "store": store, "take": take}


@login_required
@require_http_methods(["GET", "POST"])
def verify_page(request: AuthedHtmxRequest):
    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["video"]
            summary, store = manifests.read_stream(upload.file)
            context.update(subject=upload.name, summary=summary, store=store)
        else:
            status = 422
    elif "take" in request.GET:
        context.update(_read_take(request, request.GET.get("copy", "")))
        status = 409 if context.get("problem") else 200
    if context.get("store"):
        context["tree"] = manifests.tree(context["store"])
    return render(request, PAGE, context, status=status)
