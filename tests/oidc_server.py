"""A real OpenID provider for the sign-in tests: the npm package `oidc-provider`
(tests/oidc/provider.mjs, installed by `make test` with `npm ci --prefix tests/oidc`), started
on 127.0.0.1 with keys this module makes, and stopped after the test.

`sign_in()` walks the authorisation-code flow as a browser would, with Django's test client
for the studio and an HTTP client for the provider's own pages (its sign-in and consent forms);
the browser test walks it in Chromium. `TokenTamperer` sits in front of the real token endpoint
for the attacks: it passes the request on and hands back an ID token changed as the test says
(signed with another key, expired, with another nonce), as a man in the middle would."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.fakes.base import FakeServer, JSONHandler

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "reelroom-studio"
CLIENT_SECRET = "test-client-secret-0123456789abcdef0123456789"
KID = "reelroom-test-key"
OWNERS, EDITORS, REVIEWERS = "reelroom-owners", "reelroom-editors", "reelroom-reviewers"


def rsa_jwk(kid: str = KID) -> tuple[dict, object]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OIDCProvider:
    def __init__(self, tmp_path: Path, redirect_uris: list[str], people: dict):
        if not (HERE / "node_modules" / "oidc-provider").exists():
            raise RuntimeError(
                "the test OpenID provider is not installed: run `make test` (it runs "
                "`npm ci --prefix tests/oidc`)"
            )
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.jwk, self.key = rsa_jwk()
        self.config = tmp_path / "oidc.json"
        self.redirect_uris = redirect_uris
        self.people = people
        self.process: subprocess.Popen | None = None

    def write(self) -> None:
        self.config.write_text(
            json.dumps(
                {
                    "issuer": self.issuer,
                    "keys": [self.jwk],
                    "people": self.people,
                    "client": {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": self.redirect_uris,
                        "grant_types": ["authorization_code"],
                        "response_types": ["code"],
                        "token_endpoint_auth_method": "client_secret_post",
                    },
                }
            )
        )

    def set_groups(self, login: str, groups: list[str]) -> None:
        """The provider reads its people at each sign-in: change someone's groups."""
        self.people[login]["groups"] = groups
        self.write()

    def start(self) -> OIDCProvider:
        self.write()
        self.process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs")],
            env={**os.environ, "OIDC_CONFIG": str(self.config), "OIDC_PORT": str(self.port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()  # "listening <port>" once it accepts connections
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(f"the OpenID provider did not start: {self.process.stderr.read()}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def settings(self, settings, name: str = "Acme SSO", **more) -> None:
        """Point the studio at this provider (what the STUDIO_OIDC_* variables do)."""
        from studio.settings_services import company_sign_in

        settings.STUDIO_OIDC_ISSUER = self.issuer
        settings.STUDIO_OIDC_CLIENT_ID = CLIENT_ID
        settings.STUDIO_OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.STUDIO_OIDC_NAME = name
        settings.STUDIO_OIDC_WORKSPACE = "Northwind Coffee"
        settings.STUDIO_OIDC_SCOPES = ["openid", "profile", "email", "groups"]
        settings.SOCIALACCOUNT_PROVIDERS = company_sign_in(
            self.issuer, CLIENT_ID, CLIENT_SECRET, name, settings.STUDIO_OIDC_SCOPES, **more
        )


FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r"<input[^>]*>")
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


def walk_provider(start: str, login: str, studio_host: str) -> str:
    """Follow the provider from its authorisation URL, signing in as `login` and consenting,
    until it sends the browser back to the studio; returns that URL (the callback)."""
    url = start
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        for _ in range(20):
            if url.startswith(studio_host):
                return url
            response = browser.get(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            action, body = FORM.search(response.text).groups()
            fields = {}
            for tag in INPUT.findall(body):
                attributes = dict(ATTRIBUTE.findall(tag))
                if "name" in attributes:
                    fields[attributes["name"]] = unescape(attributes.get("value", ""))
            if fields.get("prompt") == "login":
                fields.update(login=login, password="any")
            posted = browser.post(urljoin(url, unescape(action)), data=fields)
            assert posted.is_redirect, posted.text[:500]
            url = urljoin(url, posted.headers["location"])
    raise AssertionError("the provider never sent the browser back")


def sign_in(client, login: str, next_url: str = ""):
    """The whole flow for Django's test client; returns the studio's answer to the callback."""
    started = client.post("/sso/company/login/", {"next": next_url} if next_url else {})
    assert started.status_code == 302, started.content[:500]
    callback = walk_provider(started["Location"], login, "http://testserver")
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


class TokenTamperer(FakeServer):
    """A man in the middle of the token endpoint: forwards the code exchange to the real
    provider, then changes the ID token with `change(claims) -> (claims, key, kid)`."""

    def __init__(self, provider: OIDCProvider, change):
        tamperer = self

        class Handler(JSONHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = httpx.post(
                    f"{provider.issuer}/token",
                    content=body,
                    headers={"Content-Type": self.headers.get("Content-Type", "")},
                ).json()
                claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
                claims, key, kid = change(claims)
                answer["id_token"] = jwt.encode(
                    claims, key, algorithm="RS256", headers={"kid": kid}
                )
                tamperer.exchanged += 1
                self._send(200, answer)

        self.exchanged = 0
        super().__init__(Handler)

    def token_endpoint(self) -> str:
        return f"{self.root}/token"


def expired(provider: OIDCProvider):
    def change(claims):
        now = int(time.time())
        return {**claims, "iat": now - 3600, "exp": now - 1800}, provider.key, KID

    return change


def forged(provider: OIDCProvider):
    _jwk, rogue = rsa_jwk()

    def change(claims):  # the groups of an owner, signed with a key the provider never had
        return {**claims, "groups": [OWNERS]}, rogue, KID

    return change


def other_nonce(provider: OIDCProvider):
    def change(claims):  # a token from another sign-in, replayed
        return {**claims, "nonce": "a-nonce-from-another-sign-in"}, provider.key, KID

    return change
