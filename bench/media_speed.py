"""What the studio's own media work costs (ffmpeg from imageio-ffmpeg), in a fresh process:

- the animatic at 720p and 1080p, per second of video, against ffmpeg encoding the same cards
  directly (same encoder and settings, no drawing, no progress bar, no click track);
- poster + spritesheet of a 12 s 1080p take;
- a rough cut of 10 takes (4 s, 720p), against the length of the cut (real time);
- the exact last frame of the 12 s 1080p take.
"""

from __future__ import annotations

from bench import stack

CHILD = r"""
import json, os, statistics, subprocess, sys, tempfile, time
import django
django.setup()
from pathlib import Path
from generation import media
from generation.media import animatic

work = Path(tempfile.mkdtemp(prefix="media-bench-"))
SECONDS = int(sys.argv[1])

def spec(width, height, seconds=SECONDS):
    return {"title": "Cold brew", "prompt": "A barista pours cold brew over ice, slow push in.",
            "width": width, "height": height, "seconds": seconds, "audio": True,
            "structure": {"scene": "A barista pours cold brew over ice.",
                          "action": "Ice cracks as the coffee hits it."}}

def timed(fn, runs=2):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best

def direct(width, height, out):
    # The same cards, encoded by ffmpeg alone with the animatic's video settings.
    s = spec(width, height)
    cards = animatic.plan_cards(s)
    listing = []
    for i, card in enumerate(cards):
        path = work / f"direct-{width}-{i:03d}.png"
        animatic.draw_card(card, i, cards, s).save(path, compress_level=1)
        listing.append(f"file '{path}'\nduration {card['stop'] - card['start']:.3f}")
    listing.append(f"file '{path}'")
    (work / f"direct-{width}.txt").write_text("\n".join(listing) + "\n")
    command = [media.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "concat", "-safe", "0", "-i", str(work / f"direct-{width}.txt"),
               "-vf", f"fps={animatic.FPS},format=yuv420p", "-c:v", "libx264",
               "-preset", "veryfast", "-tune", "stillimage", "-crf", "28",
               "-t", str(SECONDS), str(out)]
    return timed(lambda: subprocess.run(command, check=True))

result = {}
for width, height in ((1280, 720), (1920, 1080)):
    out = work / f"animatic-{height}.mp4"
    result[f"animatic_{height}"] = timed(
        lambda: animatic.render(spec(width, height), out, lambda p: None), runs=1) / SECONDS
    result[f"direct_{height}"] = direct(width, height, work / f"direct-{height}.mp4") / SECONDS

take = work / "animatic-1080.mp4"
result["poster_sprites_1080"] = timed(lambda: (
    media.thumbnail(take, work / "poster.jpg", at_seconds=1.0),
    media.spritesheet(take, work / "sprites.jpg", SECONDS)))
result["last_frame_1080"] = timed(lambda: media.last_frame(take, work / "last.png"))

short = work / "short.mp4"
animatic.render(spec(1280, 720, 4), short, lambda p: None)
clips = [media.Clip(short, 4.0, True) for _ in range(10)]
result["cut_10"] = timed(lambda: media.concat(clips, work / "cut.mp4", 1280, 720), runs=1)
result["cut_seconds"] = media.probe(work / "cut.mp4").duration_ms / 1000
print(json.dumps(result))
"""

GOAL_ANIMATIC_RATIO = 1.5  # the animatic at most 1.5 × what encoding its cards costs
GOAL_POSTER_SPRITES = 0.25  # seconds per second of the take: a quarter of real time
GOAL_CUT_REALTIME = 1.0  # a rough cut no slower than playing it
GOAL_LAST_FRAME = 1.0  # seconds: continuity is a click away


def run(seconds: int = 12) -> list[dict]:
    m = stack.child_json(CHILD, "media", seconds)
    rows = []
    for height in (720, 1080):
        ratio = m[f"animatic_{height}"] / m[f"direct_{height}"]
        rows.append(
            {
                "name": f"media: animatic {height}p",
                "result": f"{m[f'animatic_{height}'] * 1000:.0f} ms per second of video, "
                f"{ratio:.2f}× ffmpeg encoding the same cards "
                f"({m[f'direct_{height}'] * 1000:.0f} ms)",
                "target": f"≤ {GOAL_ANIMATIC_RATIO:.1f}× the direct encode",
                "ok": ratio <= GOAL_ANIMATIC_RATIO,
                "how": HOW,
                "why": "Pillow draws each card at full size and the click track is encoded to "
                "AAC beside the cards; the progress bar is a box per sixth of a second, drawn "
                "only in its own time (no longer a full-frame composite over every frame).",
            }
        )
    realtime = m["cut_10"] / m["cut_seconds"]
    rows += [
        {
            "name": f"media: poster + spritesheet of a {seconds} s 1080p take",
            "result": f"{m['poster_sprites_1080']:.2f} s",
            "target": f"≤ {GOAL_POSTER_SPRITES * seconds:.1f} s (a quarter of real time)",
            "ok": m["poster_sprites_1080"] <= GOAL_POSTER_SPRITES * seconds,
            "how": HOW,
        },
        {
            "name": "media: rough cut of 10 takes (4 s, 720p)",
            "result": f"{m['cut_10']:.1f} s for {m['cut_seconds']:.0f} s of cut "
            f"({realtime:.2f}× real time)",
            "target": f"≤ {GOAL_CUT_REALTIME:.0f}× real time",
            "ok": realtime <= GOAL_CUT_REALTIME,
            "how": HOW,
        },
        {
            "name": f"media: exact last frame of a {seconds} s 1080p take",
            "result": f"{m['last_frame_1080'] * 1000:.0f} ms",
            "target": f"≤ {GOAL_LAST_FRAME * 1000:.0f} ms",
            "ok": m["last_frame_1080"] <= GOAL_LAST_FRAME,
            "how": HOW,
        },
    ]
    return rows


HOW = (
    "generation.media.animatic and generation.media in a fresh process, best of 2 runs (the "
    "animatics and the cut: one run); the direct encode is ffmpeg alone on the same card "
    "images with the animatic's encoder settings (libx264 veryfast, crf 28, stillimage), "
    "without drawing, the progress bar or the click track."
)
