"""The providers page for the studio's operators (staff accounts): what is configured (never the
keys) and a connection test, which may spend money. Workspace owners do not run the server, so
for them, as for everyone else who is not staff, the page does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from generation import connections
from generation.models import BoundWorkflow
from generation.own_gpus import backends, offered
from studio.models import Area
from studio.team import audit
from studio.team.access import require_staff
from studio.team.workflow_forms import WorkflowForm
from studio.views import AuthedHtmxRequest


@login_required
@require_GET
def provider_list(request: AuthedHtmxRequest):
    require_staff(request)
    context = {
        "providers": connections.overview(),
        "backends": backends.overview(),
        "workflows": BoundWorkflow.objects.select_related("created_by"),
    }
    return render(request, "studio/providers.html", context)


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


@login_required
@require_http_methods(["GET", "POST"])
def workflow_new(request: AuthedHtmxRequest):
    """Upload a ComfyUI workflow and bind its slots: a model of the catalog on the team's GPUs."""
    require_staff(request)
    form = WorkflowForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        workflow = form.save(request.user)
        audit.record(
            Area.SETTINGS, "workflow.added", workspace_id=None, target=workflow.model_key,
            changes={"rate_per_gpu_second": workflow.rate_per_gpu_second,
                     "bindings": sorted(workflow.bindings)},
        )  # fmt: skip
        messages.success(request, f"{workflow.label} is in the catalog as {workflow.model_key}.")
        return redirect("studio:provider_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "studio/workflow_new.html", {"form": form}, status=status)


@login_required
@require_POST
def workflow_switch(request: AuthedHtmxRequest, key: str):
    """Take a workflow out of the catalog (takes already made keep it), or offer it again."""
    require_staff(request)
    workflow = get_object_or_404(BoundWorkflow, key=key)
    BoundWorkflow.objects.filter(pk=workflow.pk).update(active=not workflow.active)
    offered.forget()
    action = "workflow.offered" if not workflow.active else "workflow.withdrawn"
    audit.record(Area.SETTINGS, action, workspace_id=None, target=workflow.model_key)
    return redirect("studio:provider_list")
