"""The workspace's brand assets: products, characters, logos and locations that shots use as
their first or last frame."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from generation import storage
from studio.models import AssetKind
from studio.shots import continuity
from studio.team.access import allowed_actions, get_asset_for_user, get_workspace_for_user
from studio.views import AuthedHtmxRequest


@login_required
@require_http_methods(["GET", "POST"])
def asset_library(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "view")
    error, status = "", 200
    if request.method == "POST":
        workspace = get_workspace_for_user(request, slug, "manage_assets")
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("image")
        try:
            if kind not in AssetKind.values:
                raise ValidationError(
                    "Choose what the asset is: product, character, logo or location."
                )
            if upload is None:
                raise ValidationError("Choose an image to upload.")
            asset = continuity.add_asset(
                workspace, upload, request.POST.get("name", ""), kind, request.user
            )
        except ValidationError as problem:
            error, status = " ".join(problem.messages), 422
        else:
            messages.success(request, f"Asset “{asset.name}” added.")
            return redirect("studio:asset_library", slug)
    context = {
        "workspace": workspace,
        "assets": workspace.assets.all(),
        "kinds": AssetKind.choices,
        "error": error,
        "values": request.POST if error else {},
        "perms_": allowed_actions(workspace.my_role),
    }
    return render(request, "studio/assets.html", context, status=status)


@login_required
@require_GET
def asset_image(request: AuthedHtmxRequest, asset_id: int):
    asset = get_asset_for_user(request, asset_id, "view")
    return storage.serve(request, asset.image_key, cache_seconds=300)


@login_required
@require_POST
def asset_delete(request: AuthedHtmxRequest, asset_id: int):
    """Shots that used the asset keep their own fitted copy."""
    asset = get_asset_for_user(request, asset_id, "manage_assets")
    slug = asset.workspace.slug
    asset.delete()
    storage.delete_quietly([asset.image_key])
    messages.success(request, f"Asset “{asset.name}” deleted.")
    return redirect("studio:asset_library", slug)
