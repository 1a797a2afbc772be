"""The studio's domain, by area: team (workspaces, members, invitations), campaign, shot
(prompt, reference, versions, templates) and review (comments, decisions, guest links)."""

from studio.models.campaign import TARGET_FORMATS, Campaign, CampaignQuerySet, CampaignStatus
from studio.models.review import Comment, Decision, ShareLink, ShareLinkQuerySet, Verdict
from studio.models.shot import PromptTemplate, PromptVersion, Shot, renumber_shots
from studio.models.team import (
    INVITATION_DAYS,
    Invitation,
    InvitationUsed,
    LastOwnerError,
    Membership,
    Role,
    Workspace,
)

__all__ = [
    "INVITATION_DAYS", "TARGET_FORMATS", "Campaign", "CampaignQuerySet", "CampaignStatus",
    "Comment", "Decision", "Invitation", "InvitationUsed", "LastOwnerError", "Membership",
    "PromptTemplate", "PromptVersion", "Role", "ShareLink", "ShareLinkQuerySet", "Shot",
    "Verdict", "Workspace", "renumber_shots",
]  # fmt: skip
