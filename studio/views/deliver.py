"""Delivery: what the package holds (and what is still missing), and the package itself,
streamed as a ZIP to members and to guests of a link that allows it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studio import delivery
from studio.access import allowed_actions, get_campaign_for_user, get_link_for_guest
from studio.views.share import guest_page


@login_required
@require_GET
def deliver_page(request, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    pkg = delivery.package(campaign)
    context = {
        "campaign": campaign,
        "package": pkg,
        "perms_": allowed_actions(campaign.my_role),
        "total_bytes": sum(e.take.bytes or 0 for e in pkg.entries),
    }
    return render(request, "studio/deliver.html", context)


def _zip(pkg: delivery.Package) -> StreamingHttpResponse:
    stream = delivery.stream(pkg)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Length"] = str(len(stream))
    response["Content-Disposition"] = f'attachment; filename="{pkg.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def package_download(request, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    pkg = delivery.package(campaign)
    if not pkg.entries:
        raise Http404("Nothing is approved yet.")
    return _zip(pkg)


@guest_page
@require_GET
def guest_package(request, token: str):
    link = get_link_for_guest(token)
    if not (link.is_unlocked(request.session) and link.allow_download and not link.shot_id):
        raise Http404
    pkg = delivery.package(link.campaign)
    if not pkg.entries:
        raise Http404
    return _zip(pkg)
