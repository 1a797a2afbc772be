"""The model catalog for everyone who makes shots: every model, its routes, sizes, lengths,
sound, frames and price, with the source of each row and the date it was checked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from generation import catalog
from studio.views import AuthedHtmxRequest


@login_required
@require_GET
def catalog_page(request: AuthedHtmxRequest):
    models = sorted(catalog.all_models(), key=lambda m: (not m.offered, m.label))
    return render(request, "studio/catalog.html", {"models": models})
