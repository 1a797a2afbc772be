"""Versions of the spot (issue 38): the markets and hooks, each market's texts in one table
(edited and approved per market), and the versions grid (market × hook × channel) with "Make
all versions"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from generation import text
from studio.models import BrandFile, BrandFileKind, Market, VoiceSource
from studio.models.markets import check_code
from studio.production import market_texts, versions
from studio.team.access import allowed_actions, get_campaign_for_user
from studio.views import AuthedHtmxRequest, parse_id, render_page

PAGE = "studio/spot_versions.html"
TEXTS = "studio/version_texts.html"


class MarketForm(forms.Form):
    code = forms.CharField(
        label="Market", max_length=16, validators=[check_code], help_text="As “de-DE” or “fr-FR”."
    )
    legal_line = forms.CharField(label="Its legal line", max_length=200, required=False)
    banned_words = forms.CharField(label="Its banned words", max_length=1000, required=False)

    def clean_legal_line(self) -> str:
        return text.typed(self.cleaned_data["legal_line"])

    def clean_banned_words(self) -> str:
        return text.typed(self.cleaned_data["banned_words"])


def _context(request: AuthedHtmxRequest, campaign, **extra) -> dict:
    cells = versions.cells(campaign)
    count, lines, cost = versions.price(cells)
    markets: dict[str, list[versions.Cell]] = {}
    for cell in cells:
        markets.setdefault(cell.market.code if cell.market else "", []).append(cell)
    formats = list(campaign.formats.all())
    rows = {
        code: [row[i : i + len(formats)] for i in range(0, len(row), len(formats) or 1)]
        for code, row in markets.items()
    }
    return {
        "campaign": campaign,
        "formats": formats,
        "rows": rows,
        "cells": cells,
        "to_make": count,
        "voice_lines": lines,
        "cost": cost,
        "markets": list(campaign.markets.all()),
        "hooks": list(campaign.hooks.select_related("shot")),
        "hook_choices": [s for s in campaign.shots.order_by("position") if s.position > 1],
        "market_form": extra.pop("market_form", None) or MarketForm(),
        "working": any(c.status == "rendering" for c in cells),
        "perms_": allowed_actions(campaign.my_role),
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def versions_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    return render_page(request, PAGE, _context(request, campaign), partial="grid")


@login_required
@require_POST
def market_add(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    form = MarketForm(request.POST)
    if form.is_valid():
        try:
            market, drafted = market_texts.add_market(campaign, **form.cleaned_data)
        except IntegrityError:
            form.add_error("code", "The campaign has this market already.")
        else:
            messages.success(request, f"{market.code} added. {drafted}")
            return redirect("studio:versions", campaign.pk)
    context = _context(request, campaign, market_form=form)
    return render_page(request, PAGE, context, status=422)


@login_required
@require_POST
def hook_add(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_campaign")
    shot = get_object_or_404(campaign.shots, pk=parse_id(request.POST.get("shot")))
    if shot.position == 1 or campaign.hooks.filter(shot=shot).exists():
        messages.error(request, f"“{shot.title}” cannot be another opening of the spot.")
    else:
        hook = market_texts.add_hook(campaign, shot, request.POST.get("only_opening") == "1")
        messages.success(request, f"Hook {hook.name}: the spot opening on “{shot.title}”.")
    return redirect("studio:versions", campaign.pk)


@login_required
@require_POST
def versions_make(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    made, said = versions.make_all(campaign, request.user)
    if made:
        count = len(made)
        messages.success(
            request,
            f"{count} version{'s' if count != 1 else ''} queued.",
            extra_tags="while-working",
        )
    for problem in said[:6]:
        messages.error(request, problem)
    if not made and not said:
        messages.info(request, "Every version is made and current.")
    return redirect("studio:versions", campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def version_texts(request: AuthedHtmxRequest, campaign_id: int):
    """The texts table; a POST saves one market's column (`market`), or approves it."""
    campaign = get_campaign_for_user(
        request, campaign_id, "view" if request.method == "GET" else "edit_campaign"
    )
    errors: dict[str, list[str]] = {}
    market = None
    if request.method == "POST":
        market = get_object_or_404(
            Market, pk=parse_id(request.POST.get("market")), campaign=campaign
        )
        errors = market_texts.submit(market, request.user, request.POST)
        if not errors:
            done = "approved" if request.POST.get("op") == "approve" else "saved"
            messages.success(request, f"{market.code}: texts {done}.")
            return redirect("studio:version_texts", campaign.pk)
    table = market_texts.table(campaign)
    context = {
        "campaign": campaign,
        "table": table,
        "rows": market_texts.rows(table, market, request.POST if errors else None, errors),
        "voices": VoiceSource.choices,
        "recordings": BrandFile.objects.filter(
            workspace_id=campaign.workspace_id, kind=BrandFileKind.VOICE
        ),
        "errors": errors.get("", []),
        "perms_": allowed_actions(campaign.my_role),
    }
    return render_page(request, TEXTS, context, status=422 if errors else 200)
