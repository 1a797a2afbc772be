"""Review into the edit: a take's comments as markers, and a format's cut as a timeline, for
DaVinci Resolve (EDL, FCPXML), Premiere Pro (FCP 7 XML, EDL), Final Cut Pro (FCPXML), any
OpenTimelineIO tool (.otio) and a spreadsheet (CSV)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from studio.production import delivery, timelines
from studio.team import audit
from studio.team.access import get_campaign_for_user, get_take_for_user
from studio.views import AuthedHtmxRequest


def _file(body: str, kind: str, stem: str) -> HttpResponse:
    _adapter, content_type, suffix = timelines.KINDS[kind]
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{suffix}"'
    return response


@login_required
@require_GET
def take_markers(request: AuthedHtmxRequest, render_id: int, kind: str):
    take = get_take_for_user(request, render_id, "view")
    if kind not in timelines.KINDS or not take.video_key:
        raise Http404
    made = timelines.take_timeline(take)
    audit.exported(take.shot.campaign.workspace_id, f"markers of take {take.pk}", format=kind)
    return _file(timelines.write(made, kind), kind, timelines.take_file_name(take)[:-4])


@login_required
@require_GET
def format_timeline(request: AuthedHtmxRequest, campaign_id: int, format_id: int, kind: str):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    fmt = campaign.formats.filter(pk=format_id).first()
    if fmt is None or kind not in timelines.KINDS:
        raise Http404
    pkg = delivery.package(campaign)
    found = timelines.format_timelines(pkg)
    folder = next((e.folder for e in pkg.entries if e.format_name == fmt.name), None)
    if folder is None:
        raise Http404("Nothing of this format is approved yet.")
    stem = f"{slugify(campaign.name) or 'campaign'}-{folder}"
    audit.exported(
        campaign.workspace_id, f"timeline of {fmt.name} in “{campaign.name}”", format=kind
    )
    return _file(timelines.write(found[folder], kind), kind, stem)
