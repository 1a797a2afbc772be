from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD


def test_login_and_logout(client, alice):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("studio:dashboard")
    assert client.get(reverse("studio:dashboard")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("studio:dashboard")).status_code == 302


def test_a_wrong_password_keeps_the_username(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="alice"' in html
    assert "enter a correct username and password" in html


def test_the_dashboard_needs_login(client, db):
    response = client.get(reverse("studio:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
