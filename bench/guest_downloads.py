"""A dozen slow downloads of one guest link's package while members load pages, against
gunicorn (one worker, four threads: the smallest production setup). Without a bound, slow
downloads of one link would hold every web thread and members would wait; with it, a link has
STUDIO_GUEST_DOWNLOADS_AT_ONCE downloads running and the rest answer 429 with Retry-After."""

from __future__ import annotations

import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench import stack

GUESTS = 12
READ_SECONDS = 6.0  # each guest reads slowly for this long, then goes away
TARGET_MS = 500  # members' page p95 while the guests download

SEED = r"""
import os
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from generation.models import Render, RenderStatus
from studio.production.deliverables import add_format
from studio.models import Campaign, Decision, Membership, ShareLink, Shot, Workspace

user = get_user_model().objects.create_user("bench", "bench@example.com", "bench-password-1")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")
add_format(campaign, "YouTube", "16:9")
for i in range(4):
    shot = Shot.objects.create(campaign=campaign, title=f"Shot {i}", position=i + 1)
    key = f"bench/take-{i}.mp4"
    path = default_storage.path(key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_take_file(path, 16 * 1024 * 1024)
    take = Render.objects.create(shot=shot, take=1, model_key="animatic", provider="animatic",
        size="1280x720", seconds=4, prompt_text="bench", status=RenderStatus.COMPLETED,
        video_key=key, bytes=16 * 1024 * 1024, sha256="0" * 64, width=1280, height=720)
    sign_take(take)  # in the queue, when it was stored: before the package is asked for
    Decision.objects.create(render=take, reviewer=user, verdict="approved")
_link, token = ShareLink.create(campaign=campaign, days=3, allow_download=True)
print("TOKEN", token)
"""


def _guest(url: str, outcomes: list, started: threading.Barrier, read_seconds: float) -> None:
    started.wait()
    with httpx.Client(timeout=30) as client, client.stream("GET", url) as response:
        outcomes.append(response.status_code)
        if response.status_code != 200:
            return
        stop = time.monotonic() + read_seconds
        for _ in response.iter_bytes(64 * 1024):
            if time.monotonic() > stop:
                break
            time.sleep(0.05)  # a slow client: about 1.3 MB/s


def _member(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    client.post(
        "/login/",
        data={"username": "bench", "password": "bench-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
    )
    return client


def _measure(at_once: int, guests: int, read_seconds: float) -> tuple[list[int], list[float]]:
    with tempfile.TemporaryDirectory(prefix="reelroom-bench-") as tmp:
        env = stack.base_env(Path(tmp), STUDIO_GUEST_DOWNLOADS_AT_ONCE=str(at_once))
        stack.manage(env, "migrate", "--noinput")
        token = (
            stack.manage(env, "shell", "--no-imports", "-c", stack.STORED_TAKE + SEED)
            .split("TOKEN ")[1]
            .strip()
        )
        processes = stack.Processes(Path(tmp) / "servers.log")
        try:
            base = stack.gunicorn(processes, env, 1, "--timeout=60")
            member = _member(base)
            assert member.get("/").status_code == 200
            outcomes: list[int] = []
            started = threading.Barrier(guests + 1)
            url = f"{base}/s/{token}/package.zip"
            threads = [
                threading.Thread(target=_guest, args=(url, outcomes, started, read_seconds))
                for _ in range(guests)
            ]
            for thread in threads:
                thread.start()
            started.wait()
            time.sleep(0.5)  # the downloads are running
            times = []
            while any(t.is_alive() for t in threads) and len(times) < 200:
                start = time.perf_counter()
                assert member.get("/").status_code == 200
                times.append((time.perf_counter() - start) * 1000)
                time.sleep(0.05)
            for thread in threads:
                thread.join()
            member.close()
        finally:
            processes.stop()
    return outcomes, times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def run(guests: int = GUESTS, read_seconds: float = READ_SECONDS, compare: bool = True) -> dict:
    outcomes, times = _measure(2, guests, read_seconds)  # the default bound
    served, refused = outcomes.count(200), outcomes.count(429)
    p95 = _p95(times)
    without = ""
    if compare:  # the same with the bound raised to one download per guest
        unbounded_outcomes, unbounded = _measure(guests, guests, read_seconds)
        without = (
            f"; without the bound {unbounded_outcomes.count(200)} served and members' p95 "
            f"{_p95(unbounded):.0f} ms"
        )
    return {
        "name": f"{guests} slow downloads of one guest link while members load pages",
        "result": f"{served} served, {refused} answered 429; members' dashboard p95 {p95:.0f} ms "
        f"(median {statistics.median(times):.0f} ms, {len(times)} loads){without}",
        "target": f"at most 2 at once; members' p95 < {TARGET_MS} ms",
        "ok": served <= 2 and served + refused == guests and p95 < TARGET_MS,
        "served": served,
        "refused": refused,
        "how": f"gunicorn with 1 worker × 4 threads on SQLite; {guests} guests start the package "
        f"(64 MB) of one link together and read it at about 1.3 MB/s for {read_seconds:.0f} s; "
        "a logged-in member loads the dashboard meanwhile, one request after another. The same "
        f"run with the bound raised to {guests} shows what the bound protects.",
    }
