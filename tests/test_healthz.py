from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage
from django_q.status import Stat, Status


def heartbeat(age_seconds: float = 0):
    status = Status(pid=1, cluster_id="test-cluster")
    status.timestamp = timezone.now() - timedelta(seconds=age_seconds)
    get_broker().set_stat(Stat.get_key("test-cluster"), SignedPackage.dumps(status, True), 30)


@pytest.fixture(autouse=True)
def clean_cache(settings):
    from django.core.cache import cache

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    cache.clear()
    yield
    cache.clear()


def test_it_is_healthy_with_a_fresh_heartbeat(client, db):
    heartbeat(1)
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["queue"]["heartbeat_age_seconds"] < 5
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]


def test_it_is_unhealthy_without_a_cluster(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ok"] is False


def test_a_stale_heartbeat_is_unhealthy(client, db):
    heartbeat(120)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "stale" in response.json()["checks"]["queue"]["error"]


def test_a_broken_storage_is_reported_without_details(client, db, settings):
    heartbeat()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.test_healthz.BrokenStorage",
            "OPTIONS": {},
        },
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "OSError"}
    assert "secret" not in response.content.decode()


def test_it_needs_no_login_and_shows_no_secrets(client, db, settings):
    heartbeat()
    settings.SECRET_KEY = "a-very-secret-key-value-that-must-not-leak-0123456789"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert settings.SECRET_KEY not in response.content.decode()


class BrokenStorage:
    def exists(self, name):
        raise OSError("secret endpoint https://user:secret@bucket unreachable")
