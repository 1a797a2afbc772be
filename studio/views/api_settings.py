"""A workspace's API page: tokens (each member their own; owners also service accounts and
everyone's) and, for owners, webhook endpoints with their delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from studio.models import ApiToken, Area, WebhookEndpoint
from studio.team import audit, channel_urls, tokens, webhooks_out
from studio.team.access import allowed_actions, can, get_workspace_for_user
from studio.team.forms import TokenForm, WebhookForm
from studio.views import AuthedHtmxRequest, render_page

PAGE = "studio/api_settings.html"


def _context(request: AuthedHtmxRequest, workspace, **extra) -> dict:
    role = workspace.my_role
    owner = can(role, "manage_api")
    listed = ApiToken.objects.filter(workspace=workspace).select_related("user", "created_by")
    return {
        "workspace": workspace,
        "tokens": listed if owner else listed.filter(user=request.user),
        "endpoints": workspace.webhook_endpoints.all() if owner else [],
        "token_form": extra.pop("token_form", None) or TokenForm(role=role),
        "webhook_form": extra.pop("webhook_form", None) or WebhookForm(),
        "perms_": allowed_actions(role),
        **extra,
    }


@login_required
@require_GET
def api_page(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "view")
    return render_page(request, PAGE, _context(request, workspace))


@login_required
@require_POST
def token_create(request: AuthedHtmxRequest, slug: str):
    """A new token, its key shown on this one answer only."""
    workspace = get_workspace_for_user(request, slug, "view")
    form = TokenForm(request.POST, role=workspace.my_role)
    made = None
    if form.is_valid():
        try:
            made = tokens.make(
                workspace, request.user, role=workspace.my_role,
                kind=form.cleaned_data.get("kind") or "personal", **{
                    k: form.cleaned_data[k] for k in ("name", "scopes", "days")},
            )  # fmt: skip
        except tokens.TokenError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    context = _context(request, workspace, token_form=form, new_key=made.key if made else "")
    return render_page(request, PAGE, context, status=200 if made else 422)


@login_required
@require_POST
def token_revoke(request: AuthedHtmxRequest, slug: str, token_id: int):
    workspace = get_workspace_for_user(request, slug, "view")
    found = ApiToken.objects.filter(workspace=workspace, pk=token_id)
    if not can(workspace.my_role, "manage_api"):
        found = found.filter(user=request.user)
    token = get_object_or_404(found)
    tokens.revoke(token)
    messages.success(request, f"Token “{token.name}” revoked: it opens nothing any more.")
    return redirect("studio:api_page", slug=workspace.slug)


@login_required
@require_POST
def webhook_create(request: AuthedHtmxRequest, slug: str):
    """A new endpoint, its signing secret shown on this one answer only."""
    workspace = get_workspace_for_user(request, slug, "manage_api")
    form = WebhookForm(request.POST)
    if not form.is_valid():
        context = _context(request, workspace, webhook_form=form)
        return render_page(request, PAGE, context, status=422)
    secret = webhooks_out.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, url=form.cleaned_data["url"], created_by=request.user,
        description=form.cleaned_data["description"], events=form.cleaned_data["events"],
        secret_sealed=channel_urls.seal(secret),
    )  # fmt: skip
    audit.record(
        Area.SETTINGS, "webhook.added", workspace_id=workspace.pk, target=endpoint.url,
        changes={"events": endpoint.events},
    )  # fmt: skip
    return render_page(request, PAGE, _context(request, workspace, new_secret=secret))


@login_required
@require_POST
def webhook_change(request: AuthedHtmxRequest, slug: str, endpoint_id: int):
    """Enable (after a day of failures disabled it), disable or remove an endpoint."""
    workspace = get_workspace_for_user(request, slug, "manage_api")
    endpoint = get_object_or_404(workspace.webhook_endpoints, pk=endpoint_id)
    op = request.POST.get("op")
    if op == "remove":
        endpoint.delete()
    elif op in ("enable", "disable"):
        endpoint.enabled, endpoint.disabled_reason = op == "enable", ""
        endpoint.failing_since = None
        endpoint.save(update_fields=["enabled", "disabled_reason", "failing_since"])
    else:
        return redirect("studio:api_page", slug=workspace.slug)
    audit.record(Area.SETTINGS, f"webhook.{op}d", workspace_id=workspace.pk, target=endpoint.url)
    messages.success(request, f"{endpoint.url}: {op}d.")
    return redirect("studio:api_page", slug=workspace.slug)


@login_required
@require_GET
def webhook_log(request: AuthedHtmxRequest, slug: str, endpoint_id: int):
    workspace = get_workspace_for_user(request, slug, "manage_api")
    endpoint = get_object_or_404(workspace.webhook_endpoints, pk=endpoint_id)
    deliveries = endpoint.deliveries.all()[:200]
    context = {"workspace": workspace, "endpoint": endpoint, "deliveries": deliveries}
    return render_page(request, "studio/webhook_log.html", context)
