from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict, partial: str | None = None, status=200
) -> HttpResponse:
    """The whole page, or only its named partial when htmx asked for it."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, context, status=status)
