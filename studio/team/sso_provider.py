"""django-allauth's OpenID Connect provider, made stricter for the company's sign-in.

- A `nonce` is sent with every authorisation request and kept in the sign-in's state; the ID
  token must carry it back (studio.team.sso.CompanySignIn checks it). allauth sends none.
- The ID token's signature is always checked against the provider's published keys, with its
  issuer, audience and expiry. allauth skips the signature when the token came straight from
  the token endpoint (the specification allows it over TLS); a studio that may be configured
  with a plain-http provider in a lab must not.
- PKCE (S256) on every sign-in (settings: OAUTH_PKCE_ENABLED), `state` checked by allauth.
"""

from __future__ import annotations

import secrets

import requests
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter


class CompanyAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class CompanyProvider(OpenIDConnectProvider):
    oauth2_adapter_class = CompanyAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params={**auth_params, "nonce": nonce},
            nonce=nonce,
            **kwargs,
        )


class Unavailable(Exception):
    """The provider did not answer, or its discovery document is not an OpenID provider's."""


def start(request, provider_id: str):
    """The login page's "Sign in with …" (a POST): off to the provider."""
    try:
        return OAuth2LoginView.adapter_view(CompanyAdapter(request, provider_id))(request)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise Unavailable(str(type(error).__name__)) from error


def finish(request, provider_id: str):
    """Where the provider sends the person back, with the code and the state."""
    return OAuth2CallbackView.adapter_view(CompanyAdapter(request, provider_id))(request)
