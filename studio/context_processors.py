from __future__ import annotations

from studio.team.access import can, current_membership


def workspace(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = current_membership(request)
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership else None,
        "my_memberships": request._memberships,
        "can_view_spend": membership is not None and can(membership.role, "view_spend"),
    }
