"""Reviewers at work, for `python -m bench.load`: each logs in, then opens the dashboard, the
campaign board, the deliverables grid, a take page, the review queue, polls the takes in flight
of a shot and now and then leaves a comment. Targets come from the environment the load bench
sets (LOAD_CAMPAIGN, LOAD_TAKES, LOAD_POLL)."""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

CAMPAIGN = os.environ.get("LOAD_CAMPAIGN", "1")
TAKES = [t for t in os.environ.get("LOAD_TAKES", "").split(",") if t]
POLL = [p.split(":") for p in os.environ.get("LOAD_POLL", "").split(";") if p]
USERS = int(os.environ.get("LOAD_USERS", "100"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_user = iter(range(1, 10**6))


class Reviewer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        number = (next(_next_user) - 1) % USERS + 1
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": f"reviewer{number}", "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log in",
        )

    @task(2)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def board(self):
        self.client.get(f"/c/{CAMPAIGN}/", name="campaign board")

    @task(1)
    def grid(self):
        self.client.get(f"/c/{CAMPAIGN}/grid/", name="deliverables grid")

    @task(3)
    def take_page(self):
        self.client.get(f"/takes/{random.choice(TAKES)}/", name="take page")

    @task(1)
    def review_queue(self):
        self.client.get("/review/", name="review queue")

    @task(6)
    def poll(self):
        shot, ids = random.choice(POLL)
        self.client.get(
            f"/c/{CAMPAIGN}/shots/{shot}/takes/poll/?ids={ids}",
            headers={"HX-Request": "true"},
            name="takes poll",
        )

    @task(1)
    def comment(self):
        take = random.choice(TAKES)
        page = self.client.get(f"/takes/{take}/", name="take page")
        match = CSRF.search(page.text)
        if match:
            self.client.post(
                f"/takes/{take}/comments/",
                {"body": "Looks good at this point.", "timecode": "0:01",
                 "csrfmiddlewaretoken": match.group(1)},
                name="comment",
            )  # fmt: skip
