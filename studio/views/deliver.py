"""Delivery: what the package holds (and what is still missing), and the package itself,
streamed as a ZIP to members and to guests of a link that allows it. Every file in it is
signed in the queue beforehand: a package with a file still being signed asks for it and waits
(the page says so and follows; a download answers 503 with Retry-After)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studio.production import delivery
from studio.team import audit, throttle
from studio.team.access import allowed_actions, get_campaign_for_user, get_link_for_guest
from studio.views import AuthedHtmxRequest, HtmxRequest
from studio.views.share import guest_page


@login_required
@require_GET
def deliver_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    pkg = delivery.package(campaign)
    context = {
        "campaign": campaign,
        "package": pkg,
        "perms_": allowed_actions(campaign.my_role),
        "total_bytes": pkg.total_bytes,
        "signing": delivery.sign_missing(pkg),
    }
    return render(request, "studio/deliver.html", context)


def _signing(pkg: delivery.Package) -> HttpResponse | None:
    """503 with Retry-After while a file of the package is being signed (it is asked for)."""
    waiting = delivery.sign_missing(pkg)
    if not waiting:
        return None
    response = HttpResponse(
        f"{waiting} file{'s are' if waiting != 1 else ' is'} being signed with Content "
        "Credentials. The package is ready in a moment: try again.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "10"
    return response


def _zip(pkg: delivery.Package, for_guest: bool = False, slot=None) -> StreamingHttpResponse:
    stream = delivery.stream(pkg, for_guest=for_guest)
    body = throttle.HeldWhileStreaming(stream, slot) if slot else stream
    response = StreamingHttpResponse(body, content_type="application/zip")
    response["Content-Length"] = str(len(stream))
    response["Content-Disposition"] = f'attachment; filename="{pkg.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _busy(retry_after: int, hourly: bool) -> HttpResponse:
    why = (
        "This link's package has been downloaded as often as it may be this hour."
        if hourly
        else "This link's package is being downloaded too often at once."
    )
    response = HttpResponse(
        f"{why} Try again in {retry_after} seconds.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_GET
def package_download(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    pkg = delivery.package(campaign)
    if not pkg.entries:
        raise Http404("Nothing is approved yet.")
    if busy := _signing(pkg):
        return busy
    audit.exported(campaign.workspace_id, f"delivery package of “{campaign.name}”")
    return _zip(pkg)


@guest_page
@require_GET
def guest_package(request: HtmxRequest, token: str):
    """The package for a link that allows it: without the team's notes, a few downloads at a
    time per link and so many an hour (429 with Retry-After beyond that)."""
    link = get_link_for_guest(token)
    if not (link.is_unlocked(request.session) and link.allow_download and not link.shot_id):
        raise Http404
    pkg = delivery.package(link.campaign, market=link.market)
    if pkg.empty if link.market_id else not pkg.entries:
        raise Http404
    if busy := _signing(pkg):
        return busy
    wait = throttle.guest_download_refused(request, link.pk)
    slot = None if wait else throttle.take_download_slot(request, link.pk)
    if slot is None:
        return _busy(wait or throttle.SLOT_SECONDS // 2, hourly=bool(wait))
    who = f"guest link “{link.label or link.pk}”"
    audit.exported(link.campaign.workspace_id, f"delivery package of “{link.campaign.name}”", who)
    return _zip(pkg, for_guest=True, slot=slot)
