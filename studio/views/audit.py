"""The workspace's audit log, for its owners: entries filtered and paged, and the CSV."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from studio.models import Area
from studio.team import audit, audit_log
from studio.team.access import allowed_actions, get_workspace_for_user
from studio.views import AuthedHtmxRequest, render_page


@login_required
@require_GET
def audit_page(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "read_audit")
    form = audit_log.AuditFilters(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    if request.GET.get("format") == "csv" and valid:
        audit.record(
            Area.EXPORTS,
            "audit.exported",
            workspace_id=workspace.pk,
            target="audit log (CSV)",
            changes={k: v for k, v in filters.items() if v and k != "before"},
        )
        response = StreamingHttpResponse(
            audit_log.csv_lines(workspace.pk, filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{slugify(workspace.name)}-audit.csv"'
        )
        return response
    context = {
        "workspace": workspace,
        "form": form,
        "page": audit_log.page(workspace.pk, filters) if valid else None,
        "query": request.GET.copy(),
        "retention_days": settings.STUDIO_AUDIT_RETENTION_DAYS,
        "perms_": allowed_actions(workspace.my_role),
    }
    return render_page(request, "studio/audit.html", context, "entries", 200 if valid else 422)
