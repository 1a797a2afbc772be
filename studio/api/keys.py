"""The Idempotency-Key header: the same key from the same workspace names the same request
(a take's batch key), so a retried call makes nothing twice."""

from __future__ import annotations

import uuid

# Visible ASCII, 1–255 characters (a UUID is the usual choice).
IDEMPOTENCY_KEY = r"^[!-~]{1,255}$"
NAMESPACE = uuid.UUID("5b0c1f38-6f5e-4d5e-9a43-6a1c3e0f2d11")


def batch_key(request, key: str | None) -> uuid.UUID:
    """The batch key of this request: derived from the header, else new (no key, no
    protection against a retry)."""
    if key is None:
        return uuid.uuid4()
    return uuid.uuid5(NAMESPACE, f"{request.auth.workspace_id}:{key}")
