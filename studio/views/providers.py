"""The providers page for owners: what is configured (never the keys) and a connection test."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from generation import providers
from studio.access import _require, current_membership


def _owner(request):
    membership = current_membership(request)
    _require(membership.role if membership else None, "manage_providers")


@login_required
@require_GET
def provider_list(request):
    _owner(request)
    return render(request, "studio/providers.html", {"providers": providers.overview()})


@login_required
@require_POST
def provider_test(request, name: str):
    _owner(request)
    if name not in providers.PROVIDER_NAMES:
        raise Http404
    ok, message = providers.test_connection(name)
    return render(
        request, "studio/providers.html#test-result", {"name": name, "ok": ok, "message": message}
    )
