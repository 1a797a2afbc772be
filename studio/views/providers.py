"""The providers page for the studio's operators (staff accounts): what is configured (never the
keys) and a connection test, which may spend money. Workspace owners do not run the server, so
for them, as for everyone else who is not staff, the page does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from generation import connections
from studio.team.access import require_staff
from studio.views import AuthedHtmxRequest


@login_required
@require_GET
def provider_list(request: AuthedHtmxRequest):
    require_staff(request)
    return render(request, "studio/providers.html", {"providers": connections.overview()})


@login_required
@require_POST
def provider_test(request: AuthedHtmxRequest, name: str):
    require_staff(request)
    if not connections.known(name):
        raise Http404
    ok, message = connections.test_connection(name)
    return render(
        request, "studio/providers.html#test-result", {"name": name, "ok": ok, "message": message}
    )
