"""`make run` is the product's run: DEBUG off, the studio serves its own static files and its
own designed error pages (issue 11)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_with_debug_off_static_files_and_the_favicon_are_served(settings, db):
    settings.DEBUG = False
    css = Client().get("/static/css/studio.css")
    assert css.status_code == 200
    icon = Client().get("/static/img/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    assert 'rel="icon"' in Client().get(reverse("login")).content.decode()


def test_with_debug_off_errors_are_designed_pages(client, vic, settings):
    settings.DEBUG = False
    client.force_login(vic)
    missing = client.get("/c/999999/")
    html = missing.content.decode()
    assert missing.status_code == 404 and "Nothing here" in html and "URLconf" not in html
    anonymous = Client().get("/no-such-page/")
    assert anonymous.status_code == 404 and "Nothing here" in anonymous.content.decode()


def test_a_server_error_is_a_designed_page(settings, db):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_forbidden_action_says_why(client, vic, campaign, settings):
    settings.DEBUG = False
    client.force_login(vic)
    response = client.get(reverse("studio:campaign_edit", args=[campaign.pk]))
    assert (
        response.status_code == 403
        and "Your role may not edit campaign" in response.content.decode()
    )


def test_make_run_listens_on_the_port_it_is_given():
    """`make run PORT=8100` (8000 taken by something else): the studio listens there and its
    links say so. Read from make's own plan of the commands (`make -n`), nothing is run."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for target in ("run", "dev"):
        planned = subprocess.run(
            ["make", "-n", "-o", "setup", target, "PORT=8100"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert "runstudio --addrport 127.0.0.1:8100" in planned
        assert "http://127.0.0.1:8100" in planned
    default = subprocess.run(
        ["make", "-n", "-o", "setup", "run"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert "runstudio --addrport 127.0.0.1:8000" in default
