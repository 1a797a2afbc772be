"""Who may sign takes off, as the team changes: a member removed from the workspace, or moved
below reviewer, no longer approves anything. Their standing decisions stop counting (kept in
each take's history, marked withdrawn), they leave the campaigns' required approvers with a
note on each campaign, and every status that followed from them is computed again at once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studio import queue
from studio.models import Area, Campaign, CampaignSpend, Decision, Membership, Role
from studio.review.status import refresh_status
from studio.team import audit

DECIDING_ROLES = (Role.OWNER, Role.EDITOR, Role.REVIEWER)


def remove_member(membership: Membership) -> list[int]:
    """Remove the member from the workspace and end her approvals' effect there. Returns the
    campaigns whose sign-off changed. Raises LastOwnerError."""
    with transaction.atomic():
        membership.remove()
        return _withdraw(membership, "removed from the workspace")


def change_role(membership: Membership, role: str) -> list[int]:
    """Give the member another role; below reviewer, her approvals stop counting as if she had
    left. Returns the campaigns whose sign-off changed. Raises LastOwnerError."""
    with transaction.atomic():
        membership.change_role(role)
        if role in DECIDING_ROLES:
            return []
        return _withdraw(membership, f"made {Role(role).label.lower()}, who cannot approve")


def _withdraw(membership: Membership, why: str) -> list[int]:
    user, workspace = membership.user, membership.workspace
    name = user.get_full_name() or user.get_username()
    now = timezone.now()
    standing = Decision.objects.filter(reviewer=user, render__shot__campaign__workspace=workspace)
    touched = set(standing.values_list("render__shot__campaign_id", flat=True))
    withdrawn = standing.update(withdrawn_at=now, withdrawn_why=f"{name} was {why}")
    if withdrawn:
        audit.record(
            Area.APPROVALS,
            "decisions.withdrawn",
            workspace_id=workspace.pk,
            target=user.get_username(),
            changes={"decisions": withdrawn, "why": f"{name} was {why}"},
        )
    for campaign in Campaign.objects.filter(workspace=workspace, approvers=user):
        campaign.approvers.remove(user)
        said = f"{name} is no longer a required approver: {why} on {now:%b %-d, %Y}."
        Campaign.objects.filter(pk=campaign.pk).update(
            approvers_note="\n".join(filter(None, [campaign.approvers_note, said])),
            updated_at=now,
        )
        touched.add(campaign.pk)
    if touched:
        CampaignSpend.changed(pk__in=touched)
        for campaign_id in touched:
            refresh_status(campaign_id)
            queue.recut_later(campaign_id)
    return sorted(touched)
