"""A workspace's chat channels (Slack, Teams), for its owners: add, test, remove, and how
each is doing (its last error, when it last sent)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from studio.models import Area, ChannelEvent, NotificationChannel
from studio.team import audit, channel_urls
from studio.team.access import allowed_actions, get_workspace_for_user
from studio.team.chat_sending import announce
from studio.team.forms import ChannelForm
from studio.views import AuthedHtmxRequest, render_page


@login_required
@require_http_methods(["GET", "POST"])
def channel_list(request: AuthedHtmxRequest, slug: str):
    workspace = get_workspace_for_user(request, slug, "manage_channels")
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel = NotificationChannel.objects.create(
            workspace=workspace,
            kind=data["kind"],
            name=data["name"],
            url_sealed=channel_urls.seal(data["url"]),
            url_hint=channel_urls.hint(data["url"]),
            events=data["events"],
            created_by=request.user,
        )
        audit.record(
            Area.SETTINGS, "channel.added", workspace_id=workspace.pk, target=str(channel),
            changes={"events": data["events"], "url": channel.url_hint},
        )  # fmt: skip
        messages.success(request, f"{channel} added. Its webhook URL is kept sealed.")
        return redirect("studio:channel_list", slug=workspace.slug)
    context = {
        "workspace": workspace, "form": form, "channels": workspace.channels.all(),
        "perms_": allowed_actions(workspace.my_role),
    }  # fmt: skip
    status = 422 if request.method == "POST" else 200
    return render_page(request, "studio/channels.html", context, status=status)


@login_required
@require_POST
def channel_test(request: AuthedHtmxRequest, slug: str, channel_id: int):
    """A message to the channel now, to see it arrive (and its error here if it does not)."""
    workspace = get_workspace_for_user(request, slug, "manage_channels")
    channel = get_object_or_404(workspace.channels, pk=channel_id)
    said = f"{request.user.get_username()} sent a test message to {channel}"
    announce(workspace.pk, ChannelEvent.TEST, said, channel_id=channel.pk)
    messages.success(request, f"A test message is on its way to {channel}.")
    return redirect("studio:channel_list", slug=workspace.slug)


@login_required
@require_POST
def channel_remove(request: AuthedHtmxRequest, slug: str, channel_id: int):
    workspace = get_workspace_for_user(request, slug, "manage_channels")
    channel = get_object_or_404(workspace.channels, pk=channel_id)
    channel.delete()
    audit.record(Area.SETTINGS, "channel.removed", workspace_id=workspace.pk, target=str(channel))
    messages.success(request, f"{channel} removed: it hears nothing more.")
    return redirect("studio:channel_list", slug=workspace.slug)
