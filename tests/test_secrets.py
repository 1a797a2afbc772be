"""The leak check itself: it sees a secret wherever the studio could write one. (The check runs
after every test of the suite, in tests/conftest.py.)"""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_q.tasks import async_task

from tests.conftest import configured_secrets
from tests.factories import make_take
from tests.fakes.openai_fake import API_KEY
from tests.leaks import ResponseRecorder


def test_the_configured_secrets_are_known():
    assert API_KEY in configured_secrets()
    assert any(s.startswith("whsec_") for s in configured_secrets())


@pytest.mark.leaks_on_purpose
@pytest.mark.parametrize("where", ["log", "page", "header", "task", "database"])
def test_a_secret_is_caught_wherever_it_is_written(_no_secret_leaks, shot, where):
    recorder = _no_secret_leaks
    if where == "log":
        logging.getLogger("generation.jobs").warning("calling with %s", API_KEY)
    elif where in ("page", "header"):
        response = HttpResponse(API_KEY if where == "page" else "ok")
        if where == "header":
            response["X-Debug"] = API_KEY
        ResponseRecorder(lambda request: response)(RequestFactory().get("/"))
    elif where == "task":
        async_task("math.floor", 1.5, task_name=f"key-{API_KEY}", sync=True)
    else:
        make_take(shot, status="failed", error_message=f"refused key {API_KEY}")
    assert recorder.leaks(configured_secrets()), f"a secret in the {where} was not seen"
