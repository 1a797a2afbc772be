"""What writes the audit log by itself: model signals for the rows whose creation or deletion
is the change (memberships, invitations, guest links, decisions, formats, brand files, markets,
deleted takes and campaigns), a campaign's budget and archiving, takes requested at a price and
failed takes that were billed, and every sign-in, failed sign-in and sign-out. Changes made
with a queryset's update() are recorded where they are made (studio.team.audit.record)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_init, post_save

from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio.models import (
    Area,
    Asset,
    BrandFile,
    Campaign,
    CampaignStatus,
    Decision,
    Format,
    Hook,
    Invitation,
    Market,
    Membership,
    ShareLink,
    SpotDecision,
    Take,
    Verdict,
)
from studio.team.audit import record

VERDICT = {Verdict.APPROVED: "approved", Verdict.CHANGES_REQUESTED: "asked for changes"}


def _campaign_workspace(campaign_id: int | None) -> int | None:
    return (
        Campaign.objects.filter(pk=campaign_id).values_list("workspace_id", flat=True).first()
        if campaign_id
        else None
    )


def _remember(sender, instance, **kwargs) -> None:
    """The values an update is compared with, as read with the row (a deferred field is not
    read: it is not compared)."""
    loaded = instance.__dict__
    instance._audit_before = {f: loaded[f] for f in TRACKED[sender] if f in loaded}


def _before(instance) -> dict:
    return getattr(instance, "_audit_before", {})


TRACKED = {Membership: ("role",), Campaign: ("budget", "status", "name")}


def membership_saved(sender, instance: Membership, created, **kwargs) -> None:
    who = instance.user.get_username()
    if created:
        record(
            Area.ACCESS,
            "member.added",
            workspace_id=instance.workspace_id,
            target=who,
            changes={"role": instance.role},
        )
    elif _before(instance).get("role", instance.role) != instance.role:
        record(
            Area.ACCESS,
            "member.role_changed",
            workspace_id=instance.workspace_id,
            target=who,
            changes={"role": [_before(instance).get("role"), instance.role]},
        )
    _remember(Membership, instance)


def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    record(
        Area.ACCESS,
        "member.removed",
        workspace_id=instance.workspace_id,
        target=instance.user.get_username(),
        changes={"role": instance.role},
    )


def invitation_saved(sender, instance: Invitation, created, **kwargs) -> None:
    if created:
        record(
            Area.ACCESS,
            "invitation.sent",
            workspace_id=instance.workspace_id,
            target=instance.email,
            changes={"role": instance.role},
        )


def link_saved(sender, instance: ShareLink, created, **kwargs) -> None:
    if created:
        record(
            Area.ACCESS,
            "link.created",
            workspace_id=_campaign_workspace(instance.campaign_id),
            target=f"guest link “{instance.label or instance.pk}”",
            changes={
                "expires": instance.expires_at.isoformat(timespec="minutes"),
                "password": bool(instance.password_hash),
                "guests may decide": instance.allow_decisions,
            },
        )


def _decision(instance, what: str, target: str, campaign_id: int) -> None:
    record(
        Area.APPROVALS,
        what,
        workspace_id=_campaign_workspace(campaign_id),
        target=target,
        actor=instance.who if instance.reviewer_id is None else None,
        changes={"verdict": VERDICT.get(instance.verdict, instance.verdict), "note": instance.note},
    )


def decision_saved(sender, instance: Decision, created, **kwargs) -> None:
    if created:
        take = instance.render
        _decision(instance, "decision.made", f"take {take.pk}", take.shot.campaign_id)


def decision_deleted(sender, instance: Decision, **kwargs) -> None:
    take = instance.render
    _decision(instance, "decision.undone", f"take {take.pk}", take.shot.campaign_id)


def spot_decision_saved(sender, instance: SpotDecision, created, **kwargs) -> None:
    if created:
        spot = instance.spot
        _decision(instance, "spot_decision.made", f"spot {spot.pk}", spot.campaign_id)


def spot_decision_deleted(sender, instance: SpotDecision, **kwargs) -> None:
    spot = instance.spot
    _decision(instance, "spot_decision.undone", f"spot {spot.pk}", spot.campaign_id)


def campaign_saved(sender, instance: Campaign, created, **kwargs) -> None:
    before = _before(instance)
    target = f"campaign “{instance.name}”"
    if (created and instance.budget is not None) or (
        not created and before.get("budget", instance.budget) != instance.budget
    ):
        record(
            Area.MONEY,
            "budget.changed",
            workspace_id=instance.workspace_id,
            target=target,
            changes={"budget (USD)": [before.get("budget"), instance.budget]},
        )
    if not created and before.get("status", instance.status) != instance.status:
        archived = instance.status == CampaignStatus.ARCHIVED
        if archived or before.get("status") == CampaignStatus.ARCHIVED:
            record(
                Area.DELETIONS if archived else Area.SETTINGS,
                "campaign.archived" if archived else "campaign.restored",
                workspace_id=instance.workspace_id,
                target=target,
            )
    _remember(Campaign, instance)


def campaign_deleted(sender, instance: Campaign, **kwargs) -> None:
    record(
        Area.DELETIONS,
        "campaign.deleted",
        workspace_id=instance.workspace_id,
        target=f"campaign “{instance.name}”",
    )


def _setting(what: str, workspace_id: int | None, target: str, **changes):
    record(Area.SETTINGS, what, workspace_id=workspace_id, target=target, changes=changes)


def format_saved(sender, instance: Format, created, **kwargs) -> None:
    if created:
        _setting(
            "format.added",
            _campaign_workspace(instance.campaign_id),
            f"format “{instance.name}”",
            aspect=instance.aspect,
            channel=instance.channel_key,
        )


def format_deleted(sender, instance: Format, **kwargs) -> None:
    record(
        Area.DELETIONS,
        "format.removed",
        workspace_id=_campaign_workspace(instance.campaign_id),
        target=f"format “{instance.name}”",
    )


def asset_saved(sender, instance: Asset, created, **kwargs) -> None:
    if created:
        _setting("asset.added", instance.workspace_id, f"asset “{instance.name}”")


def asset_deleted(sender, instance: Asset, **kwargs) -> None:
    record(
        Area.DELETIONS,
        "asset.deleted",
        workspace_id=instance.workspace_id,
        target=f"asset “{instance.name}”",
    )


def brand_file_saved(sender, instance: BrandFile, created, **kwargs) -> None:
    if created:
        _setting(
            "brand_file.added",
            instance.workspace_id,
            f"brand file “{instance.name}”",
            kind=instance.kind,
        )


def market_saved(sender, instance, created, **kwargs) -> None:
    if created:
        what = "market.added" if isinstance(instance, Market) else "hook.added"
        _setting(what, _campaign_workspace(instance.campaign_id), str(instance))


def market_deleted(sender, instance, **kwargs) -> None:
    what = "market.removed" if isinstance(instance, Market) else "hook.removed"
    record(
        Area.DELETIONS,
        what,
        workspace_id=_campaign_workspace(instance.campaign_id),
        target=str(instance),
    )


def take_deleted(sender, instance: Render, **kwargs) -> None:
    campaign_id = instance.shot.campaign_id
    record(
        Area.DELETIONS,
        "take.deleted",
        workspace_id=_campaign_workspace(campaign_id),
        target=f"take {instance.pk}",
        changes={"billed": instance.billed},
    )


def money_moved(sender, instance: RenderEvent, created, **kwargs) -> None:
    """A take requested (its price accepted, by who asked for it) and a failed take the
    provider billed all the same."""
    if not created:
        return
    requested = instance.kind == EventKind.CREATED
    if not requested and not (
        instance.kind == EventKind.TRANSITION and instance.to_status == RenderStatus.FAILED
    ):
        return
    take = Take.objects.filter(pk=instance.render_id).select_related("shot__campaign").first()
    if take is None or take.cut_from_id or (not requested and not take.billed):
        return  # a one-take's piece costs nothing: the one-take was the price
    target = f"take {take.pk} of “{take.shot.title}”"
    workspace_id = take.shot.campaign.workspace_id
    if requested:
        record(
            Area.MONEY,
            "take.requested",
            workspace_id=workspace_id,
            target=target,
            changes={
                "model": take.model_key,
                "seconds": take.seconds,
                "estimate (USD)": take.cost_estimate,
            },
        )
        return
    billed = take.cost_actual if take.cost_actual is not None else take.cost_estimate
    record(
        Area.MONEY,
        "take.failed_billed",
        workspace_id=workspace_id,
        target=target,
        actor="provider",
        changes={"billed (USD)": billed, "why": take.error_message},
    )


def signed_in(sender, request, user, **kwargs) -> None:
    how = (
        "sso.sign_in"
        if kwargs.get("sociallogin") is not None or getattr(request, "_sso", False)
        else "sign_in"
    )
    for workspace_id in _workspaces_of(user):
        record(
            Area.ACCESS,
            how,
            workspace_id=workspace_id,
            target=user.get_username(),
            actor=user.get_username(),
            actor_id=user.pk,
            request=request,
        )


def signed_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    for workspace_id in _workspaces_of(user):
        record(
            Area.ACCESS,
            "sign_out",
            workspace_id=workspace_id,
            target=user.get_username(),
            actor=user.get_username(),
            actor_id=user.pk,
            request=request,
        )


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password: in the log of each workspace the name belongs to (an unknown name in
    no workspace's, kept for the operators)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    name = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=name).first() if name else None
    for workspace_id in _workspaces_of(user) if user else [None]:
        record(
            Area.ACCESS,
            "sign_in.failed",
            workspace_id=workspace_id,
            target=name,
            actor=name or "anonymous",
            request=request,
        )


def _workspaces_of(user) -> list[int | None]:
    ids: list[int | None] = list(
        Membership.objects.filter(user=user).values_list("workspace_id", flat=True)
    )
    return ids or [None]


def connect() -> None:
    """Called once from StudioConfig.ready()."""
    for model in TRACKED:
        post_init.connect(_remember, sender=model)
    post_save.connect(membership_saved, sender=Membership)
    post_delete.connect(membership_deleted, sender=Membership)
    post_save.connect(invitation_saved, sender=Invitation)
    post_save.connect(link_saved, sender=ShareLink)
    post_save.connect(decision_saved, sender=Decision)
    post_delete.connect(decision_deleted, sender=Decision)
    post_save.connect(spot_decision_saved, sender=SpotDecision)
    post_delete.connect(spot_decision_deleted, sender=SpotDecision)
    post_save.connect(campaign_saved, sender=Campaign)
    post_delete.connect(campaign_deleted, sender=Campaign)
    post_save.connect(format_saved, sender=Format)
    post_delete.connect(format_deleted, sender=Format)
    post_save.connect(asset_saved, sender=Asset)
    post_delete.connect(asset_deleted, sender=Asset)
    post_save.connect(brand_file_saved, sender=BrandFile)
    for model in (Market, Hook):
        post_save.connect(market_saved, sender=model)
        post_delete.connect(market_deleted, sender=model)
    for take in ("generation.Render", "studio.Take"):
        post_delete.connect(take_deleted, sender=take)
    post_save.connect(money_moved, sender=RenderEvent)
    user_logged_in.connect(signed_in)
    user_logged_out.connect(signed_out)
    user_login_failed.connect(sign_in_failed)
