"""The company's sign-in: who may come in, as what, and passwords in SSO-only mode.

CompanySignIn (allauth's social account adapter) runs when the provider has vouched for a
person: the ID token's nonce must be the one this sign-in sent; the groups claim gives the role
in the workspace the provider is tied to (settings.STUDIO_OIDC_ROLE_GROUPS) — no matching
group, no access (a page that says so, and the membership the groups once gave is removed); a
first sign-in makes the account (just in time), one whose verified e-mail is a member's signs in
as that member. Once signed in, the membership follows the groups (`follow_the_groups`)."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.text import slugify

from studio.models import Area, LastOwnerError, Membership, Role, Workspace
from studio.team import audit

logger = logging.getLogger(__name__)

ORDER = [Role.OWNER, Role.EDITOR, Role.REVIEWER, Role.VIEWER]


def configured() -> bool:
    return bool(settings.STUDIO_OIDC_ISSUER and settings.STUDIO_OIDC_CLIENT_ID)


def role_of(claims: dict) -> str | None:
    """The highest role the person's groups give, or None."""
    groups = claims.get(settings.STUDIO_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    given = {settings.STUDIO_OIDC_ROLE_GROUPS.get(str(g)) for g in groups}
    return next((role for role in ORDER if role in given), None)


def workspace() -> Workspace:
    """The workspace the provider is tied to (made on first use)."""
    name = settings.STUDIO_OIDC_WORKSPACE or settings.STUDIO_OIDC_NAME
    found, _ = Workspace.objects.get_or_create(slug=slugify(name)[:140], defaults={"name": name})
    return found


def _workspace_id() -> int | None:
    """The provider's workspace, if it exists yet (a refusal makes none)."""
    name = settings.STUDIO_OIDC_WORKSPACE or settings.STUDIO_OIDC_NAME
    return Workspace.objects.filter(slug=slugify(name)[:140]).values_list("pk", flat=True).first()


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _refuse(request, why: str, who: str, status: int = 403):
    audit.record(
        Area.ACCESS, "sso.refused", workspace_id=_workspace_id(), target=who, actor=who,
        changes={"why": why},
    )  # fmt: skip
    page = render(
        request,
        "registration/sso_refused.html",
        {"why": why, "provider": settings.STUDIO_OIDC_NAME},
        status=status,
    )
    raise ImmediateHttpResponse(page)


class CompanySignIn(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
        claims = _claims(sociallogin)
        who = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub"))
        sent = (sociallogin.state or {}).get("nonce")
        if not sent or id_token.get("nonce") != sent:
            _refuse(request, "The sign-in could not be verified (nonce).", who, status=401)
        role = role_of(claims)
        if role is None:
            self._leave(sociallogin)
            _refuse(request, "None of your groups gives access to Reelroom.", who)
        request._sso_role = role
        if not sociallogin.is_existing:
            self._join_by_email(request, sociallogin, claims)

    def _leave(self, sociallogin) -> None:
        """No group any more: the membership the groups gave goes (not the last owner's)."""
        if not sociallogin.is_existing:
            return
        found = Membership.objects.filter(workspace=workspace(), user=sociallogin.user).first()
        if found is not None:
            try:
                found.remove()
            except LastOwnerError:
                logger.warning("kept %s: the last owner of %s", sociallogin.user, found.workspace)

    def _join_by_email(self, request, sociallogin, claims: dict) -> None:
        email = str(claims.get("email") or "")
        if not email:
            return
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            return
        if claims.get("email_verified") is True:
            sociallogin.connect(request, user)  # the member's own account, now with SSO
        else:  # someone else's address, unproven: a new account without it
            sociallogin.user.email = ""
            sociallogin.email_addresses = []

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True  # the groups claim, checked above, decides who comes in

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.set_unusable_password()  # they sign in with the company's provider only
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None) -> None:  # fmt: skip
        logger.info("company sign-in failed: %s (%s)", error, type(exception).__name__)
        _refuse(request, "The sign-in with the provider failed or was cancelled.", "unknown", 401)


class Accounts(DefaultAccountAdapter):
    """Accounts are made by invitations and by the company's sign-in, never by allauth's own
    sign-up; a signed-in person is remembered by Django's model backend."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def login(self, request, user) -> None:
        user.backend = "django.contrib.auth.backends.ModelBackend"
        request._sso = True
        super().login(request, user)


def follow_the_groups(sender, request, user, **kwargs) -> None:
    """Signed in through the provider: the membership takes the role the groups gave."""
    role = getattr(request, "_sso_role", None)
    if role is None:
        return
    where = workspace()
    membership = Membership.objects.filter(workspace=where, user=user).first()
    if membership is None:
        Membership.objects.create(workspace=where, user=user, role=role)
    elif membership.role != role:
        try:
            membership.change_role(role)
        except LastOwnerError:
            logger.warning("%s stays owner: the last owner of %s", user, where)
    request.session["workspace_id"] = where.pk


class PasswordSignIn(AuthenticationForm):
    """The password form; in SSO-only mode it lets in the break-glass account alone."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if settings.STUDIO_SSO_ONLY and username != settings.STUDIO_SSO_BREAK_GLASS:
            audit.record(
                Area.ACCESS, "sign_in.refused", workspace_id=_workspace_id(), target=username,
                actor=username, changes={"why": "passwords are off (SSO only)"},
            )  # fmt: skip
            raise forms.ValidationError(
                f"Passwords are off for this studio: sign in with {settings.STUDIO_OIDC_NAME}.",
                code="sso_only",
            )
        return super().clean()
