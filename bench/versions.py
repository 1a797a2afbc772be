"""Making the versions of a spot (issue 38): an approved 30 s master on three 9:16 channels
(TikTok, Reels, Shorts: six 5 s animatic takes at 720×1280 trimmed to 4.5 s, a super and a
scratch-voice line on each, a 3 s end card) turned into 3 markets × 3 channels × 2 hooks = 18
versions by `versions.make_all` (the queue in sync mode, on one process, as one worker would);
the takes are rendered once, before, and never again. And the versions page's queries with one
market and one hook against ten markets and ten hooks (constant)."""

from __future__ import annotations

from bench import stack

CHILD = r"""
import json, os, sys, time
os.environ["STUDIO_QUEUE_SYNC"] = "true"
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from generation import media, storage
from generation.media import animatic
from generation.models import Render, RenderStatus
from studio.models import Campaign, Membership, Shot, Spot, Workspace
from studio.production import market_texts, spots, trims, versions
from studio.production.deliverables import add_format

SECONDS, MARKETS = float(sys.argv[1]), int(sys.argv[2])
user = get_user_model().objects.create_user("bench")
workspace = Workspace.objects.create(name="Bench")
Membership.objects.create(workspace=workspace, user=user, role="owner")
campaign = Campaign.objects.create(workspace=workspace, name="Bench")
for name, channel in (("TikTok", "tiktok-in-feed"), ("Reels", "reels"),
                      ("Shorts", "shorts")):
    add_format(campaign, name, "9:16", channel)
length = (SECONDS - 3) / 6
work = Path(storage.temp_dir()) / "versions-bench"
work.mkdir(parents=True, exist_ok=True)

def shot_with_take(n, title):
    shot = Shot.objects.create(
        campaign=campaign, title=title, position=n, size="720x1280", seconds=5,
        on_screen_text=f"Super {n}, smooth",
        prompt={"scene": f"Scene {n}", "audio": {"dialogue": [
            {"speaker": "Voice-over", "line": f"Line {n}, cold and smooth.", "emotion": ""}]}})
    out = work / f"take-{n}.mp4"
    animatic.render({"title": title, "prompt": f"Scene {n}", "width": 720, "height": 1280,
                     "seconds": 5, "audio": True, "structure": {"scene": f"Scene {n}"}},
                    out, lambda p: None)
    info = media.probe(out)
    take = Render.objects.create(
        shot=shot, take=1, model_key="animatic", provider="animatic", size="720x1280",
        seconds=5, prompt_text=f"Scene {n}", status=RenderStatus.COMPLETED,
        video_key=storage.put(f"bench/take-{n}.mp4", out), bytes=out.stat().st_size,
        sha256="0" * 64, width=720, height=1280, duration_ms=info.duration_ms, fps=info.fps,
        has_audio=info.has_audio, completed_at=timezone.now(), budget_account=campaign.pk)
    Shot.objects.filter(pk=shot.pk).update(hero_take=take)
    return shot

made_shots = [shot_with_take(n, f"Shot {n}") for n in range(1, 7)]
opener = shot_with_take(7, "Another opening")
finish = spots.finish_of(campaign)
finish.call_to_action, finish.legal_line, finish.voice = "Order today", "Terms apply.", "scratch"
finish.save()
for fmt in campaign.formats.all():
    for shot in [*made_shots, opener]:
        trims.set_trim(campaign, fmt, shot.pk, 0.25, 0.25 + length, user)
market_texts.add_hook(campaign, opener)
for code in ("de-DE", "fr-FR", "es-ES")[:MARKETS]:
    market, _ = market_texts.add_market(campaign, code, legal_line=f"Legal ({code}).")
    values = {i.key: f"{i.master} ({code})" for i in market_texts.items(campaign) if i.master}
    assert market_texts.save_texts(market, values) == {}
    assert market_texts.approve(market, user) == ""
takes_before = Render.objects.count()
start = time.perf_counter()
made, said = versions.make_all(campaign, user)
total = time.perf_counter() - start
done = list(Spot.objects.versions())
result = {
    "versions": len(done), "completed": sum(s.status == "completed" for s in done),
    "passing": sum(s.passes for s in done), "said": said[:3], "total_s": total,
    "per_version_s": total / max(1, len(done)),
    "length_s": max((s.duration_ms or 0) for s in done) / 1000 if done else 0,
    "takes_made": Render.objects.count() - takes_before,
}

def page_queries():
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("studio:versions", args=[campaign.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)

# The page: 3 markets × 2 hooks, then 10 markets × 10 hooks (the cells planned, not made).
result["queries_small"] = page_queries()
for code in ("it-IT", "nl-NL", "pt-BR", "pl-PL", "sv-SE", "da-DK", "fi-FI", "en-GB", "en-US")[
    : 10 - MARKETS
]:
    market_texts.add_market(campaign, code)
for n in range(8, 16):
    extra = Shot.objects.create(campaign=campaign, title=f"Opening {n}", position=n)
    market_texts.add_hook(campaign, extra)
start = time.perf_counter()
result["queries_large"] = page_queries()
result["page_large_s"] = time.perf_counter() - start
result["cells_large"] = len(versions.cells(campaign))
print(json.dumps(result))
"""

GOAL_PER_VERSION = 0.5  # a version finished in at most half its running time, as a spot is


def run(seconds: int = 30, markets: int = 3) -> list[dict]:
    m = stack.child_json(CHILD, "versions", seconds, markets)
    realtime = m["per_version_s"] / max(m["length_s"], 0.001)
    count = markets * 3 * 2
    ok = m["versions"] == count and m["passing"] == count and m["takes_made"] == 0
    return [
        {
            "name": f"versions: {count} versions of a {seconds} s master ({markets} markets × "
            "3 channels × 2 hooks)",
            "result": f"{m['total_s']:.0f} s in all, {m['per_version_s']:.1f} s a version "
            f"({realtime:.2f}× real time); {m['passing']} of {m['versions']} pass preflight; "
            f"{m['takes_made']} takes generated"
            + (f"; said: {'; '.join(m['said'])}" if m["said"] else ""),
            "target": f"{count} made, ≤ {GOAL_PER_VERSION}× real time each, no take made again",
            "ok": ok and realtime <= GOAL_PER_VERSION,
            "how": HOW,
        },
        {
            "name": f"versions: the page's queries, {markets} × 2 against 10 markets × 10 hooks",
            "result": f"{m['queries_small']} queries for {count} versions, "
            f"{m['queries_large']} for {m['cells_large']} "
            f"({m['page_large_s']:.1f} s to plan and draw them)",
            "target": "the same",
            "ok": m["queries_small"] == m["queries_large"],
            "how": HOW,
        },
    ]


HOW = (
    "studio.production.versions.make_all in a fresh process on a throwaway SQLite studio, the "
    "queue in sync mode (each version rendered as its task runs: one worker), scratch voice "
    "in each market's language, captions burned in on TikTok; the page through Django's test "
    "client, its queries counted by CaptureQueriesContext."
)
