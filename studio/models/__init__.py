"""The studio's domain, by area: team (workspaces, members, invitations), campaign, shot
(prompt, reference, versions, templates), review (comments, decisions, guest links) and
production (formats and their heroes, brand assets, cuts)."""

from studio.models.audit import Area, AuditEntry, AuditPurge
from studio.models.campaign import TARGET_FORMATS, Campaign, CampaignQuerySet, CampaignStatus
from studio.models.channels import (
    ChannelEvent,
    ChannelKind,
    ChannelNotice,
    NotificationChannel,
)
from studio.models.markets import Hook, Market, MarketText
from studio.models.production import (
    DEFAULT_FORMAT_NAMES,
    Asset,
    AssetKind,
    Cut,
    CutKind,
    CutStatus,
    Deliverable,
    Format,
    channels_serving,
    label_formats,
    name_formats,
    nearest_size,
)
from studio.models.prompt_history import PromptTemplate, PromptVersion
from studio.models.review import (
    CLIENT,
    CellStatus,
    Comment,
    Decision,
    ShareLink,
    ShareLinkQuerySet,
    ShotStatus,
    Verdict,
)
from studio.models.shot import Shot, renumber_shots
from studio.models.spend import CampaignSpend
from studio.models.spot import (
    BrandFile,
    BrandFileKind,
    CardBackground,
    Finish,
    Spot,
    SpotComment,
    SpotDecision,
    SpotStatus,
    SuperPosition,
    VoiceSource,
)
from studio.models.take import Take, TakeQuerySet, live_take
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
    "ChannelEvent",
    "ChannelKind",
    "ChannelNotice",
    "NotificationChannel",
    "Area",
    "AuditEntry",
    "AuditPurge",
    "Hook",
    "Market",
    "MarketText",
    "BrandFile",
    "BrandFileKind",
    "CardBackground",
    "Finish",
    "Spot",
    "SpotComment",
    "SpotDecision",
    "SpotStatus",
    "SuperPosition",
    "VoiceSource",
    "CLIENT",
    "DEFAULT_FORMAT_NAMES",
    "Asset",
    "AssetKind",
    "Cut",
    "CutKind",
    "CutStatus",
    "Deliverable",
    "Format",
    "channels_serving",
    "nearest_size",
    "label_formats",
    "name_formats",
    "INVITATION_DAYS",
    "TARGET_FORMATS",
    "Campaign",
    "CampaignQuerySet",
    "CampaignSpend",
    "CampaignStatus",
    "Comment",
    "Decision",
    "Invitation",
    "InvitationUsed",
    "LastOwnerError",
    "Membership",
    "PromptTemplate",
    "PromptVersion",
    "Role",
    "ShareLink",
    "ShareLinkQuerySet",
    "Shot",
    "Take",
    "TakeQuerySet",
    "live_take",
    "Verdict",
    "Workspace",
    "CellStatus",
    "ShotStatus",
    "renumber_shots",
]
