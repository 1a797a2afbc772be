"""Signing in: the password form (off in SSO-only mode but for the break-glass account) and
the company's OpenID Connect sign-in (studio.team.sso, studio.team.sso_provider)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from studio.team import sso, sso_provider

PROVIDER_ID = "company"


class SignIn(auth_views.LoginView):
    authentication_form = sso.PasswordSignIn
    redirect_authenticated_user = True
    http_method_names = ["get", "post"]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("sso_name"):
            # The company sign-in's form posts here and is sent on to the provider: the page's
            # Content-Security-Policy lets the form go there (form-action covers redirects).
            issuer = urlsplit(settings.STUDIO_OIDC_ISSUER)
            origin = f"{issuer.scheme}://{issuer.netloc}"
            response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_name"] = settings.STUDIO_OIDC_NAME if sso.configured() else ""
        context["sso_provider"] = PROVIDER_ID
        context["sso_only"] = settings.STUDIO_SSO_ONLY
        return context


def _configured(provider_id: str) -> None:
    if provider_id != PROVIDER_ID or not sso.configured():
        raise Http404


@require_POST
def sso_start(request, provider_id: str):
    _configured(provider_id)
    try:
        return sso_provider.start(request, provider_id)
    except sso_provider.Unavailable:
        why = f"{settings.STUDIO_OIDC_NAME} is not answering. Try again in a moment."
        context = {"why": why, "provider": settings.STUDIO_OIDC_NAME}
        return render(request, "registration/sso_refused.html", context, status=503)


@require_GET
def sso_finish(request, provider_id: str):
    _configured(provider_id)
    return sso_provider.finish(request, provider_id)
