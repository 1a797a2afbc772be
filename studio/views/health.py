from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_q.brokers import get_broker
from django_q.status import Stat


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _queue() -> dict:
    if settings.Q_CLUSTER.get("sync"):
        return {"ok": True, "mode": "sync"}
    stats = Stat.get_all()
    if not stats:
        return {"ok": False, "error": "no worker cluster has reported; start `manage.py qcluster`"}
    newest = max(stat.timestamp for stat in stats)
    age = (timezone.now() - newest).total_seconds()
    ok = age <= settings.STUDIO_QUEUE_HEARTBEAT_MAX_AGE
    result = {
        "ok": ok,
        "clusters": len(stats),
        "heartbeat_age_seconds": round(age, 1),
        "waiting_tasks": get_broker().queue_size(),
    }
    if not ok:
        result["error"] = "the worker cluster's heartbeat is stale"
    return result


def _storage() -> dict:
    # exists() is a HEAD on S3 and a stat locally: cheap, and it fails when the bucket or the
    # folder cannot be reached.
    default_storage.exists("healthz-probe")
    return {"ok": True, "backend": "s3" if settings.STUDIO_S3_BUCKET else "local"}


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("queue", _queue), ("storage", _storage)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure, it never raises
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
