from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from studio.team.access import AuthedRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    class HtmxRequest(HttpRequest):
        """A request read by django-htmx (a guest's: no account)."""

        htmx: HtmxDetails

    class AuthedHtmxRequest(AuthedRequest, HtmxRequest):
        """What every studio view behind login_required receives: a signed-in user's request,
        read by django-htmx."""

        htmx: HtmxDetails
else:
    HtmxRequest = HttpRequest
    AuthedHtmxRequest = AuthedRequest


def render_page(
    request: HtmxRequest, template: str, context: dict, partial: str | None = None, status=200
) -> HttpResponse:
    """The whole page, or only its named partial when htmx asked for it."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, context, status=status)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted `next` when it is a path on this site, else `fallback`: never an open
    redirect to another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def parse_id(value) -> int | None:
    """A primary key from a query string or form: digits that fit a 64-bit column, else None."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class CappedPaginator(Paginator):
    """A paginator that counts up to CAP rows (a queue of a big workspace runs to tens of
    thousands; counting them all would read them all): past it, the pages say "1 000+"."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
