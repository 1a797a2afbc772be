"""`manage.py check --deploy`: production signs with the local test CA (valid signatures that
nobody trusts) unless a signer of its own is configured."""

from __future__ import annotations

from django.core import checks

from generation.provenance import keys


@checks.register(checks.Tags.security, deploy=True)
def signer_is_trusted(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    if not keys.uses_local():
        return []
    return [
        checks.Warning(
            "Content Credentials are signed with the studio's local test CA: valid, but "
            "trusted by nobody (YouTube, TikTok and C2PA validators show them as untrusted).",
            hint="Set STUDIO_C2PA_CERT_CHAIN and STUDIO_C2PA_PRIVATE_KEY (a certificate from "
            "a CA on the C2PA trust list) or STUDIO_C2PA_SIGNER, and STUDIO_C2PA_TSA_URL; "
            "see docs/provenance.md.",
            id="reelroom.W001",
        )
    ]
