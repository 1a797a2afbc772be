"""The whole spot in one take (issue 37) through its page and the queue: planned and priced
before anything is sent, made by the animatic (a scene card per shot) and by the providers'
fakes (a video whose scenes change at known times), split back into the shots at the scene
changes, each piece a take of its shot: found on the grid, reviewed, its credentials naming the
one-take as its parent; retried, remixed, never billed twice."""

from __future__ import annotations

import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import c2pa
import pytest
import yaml
from django.urls import reverse
from PIL import Image

from generation import catalog, jobs, media, storage
from generation.jobs import signing
from generation.media.animatic import SCENES
from generation.models import Render, RenderStatus
from generation.providers.base import JobSpec
from generation.providers.runware import build_task
from studio.models import Cut, CutKind, Format, Shot, Take
from studio.production import one_take
from tests.factories import make_shot
from tests.media_files import SCENE_COLOURS, scenes_video
from tests.pipeline import settle

S = RenderStatus
LENGTHS = (2, 3, 3)


def _prompt(n: int) -> dict:
    return {
        "mode": "layers",
        "scene": f"Scene {n}: a runner on a ridge at dawn.",
        "subject": f"Subject {n}",
        "beats": [f"The runner moves, beat {n} END: the runner mid-stride, frame {n}"],
        "camera": {"movement": "slow push-in", "framing": "WS"},
    }


@pytest.fixture
def board(campaign):
    Format.objects.create(campaign=campaign, name="YouTube", aspect="16:9")
    return [
        make_shot(campaign, title=f"Beat {n}", seconds=s, size="1280x720", prompt=_prompt(n))
        for n, s in enumerate(LENGTHS, start=1)
    ]


def _frame(video: Path, at: str, out: Path) -> tuple[int, int, int]:
    """The colour of the picture's right edge, halfway down, at `at` ("first" or "last")."""
    where = ["-sseof", "-0.1"] if at == "last" else []
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", *where, "-i", str(video), "-frames:v", "1",
         str(out)],
        check=True,
    )  # fmt: skip
    image = Image.open(out).convert("RGB")
    return image.getpixel((image.width - 4, image.height // 2))


def _local(key: str, dest: Path) -> Path:
    """The stored file, fetched to `dest` (the fetch's temporary file moved, never left)."""
    return storage.fetch(key).path.replace(dest)


def _near(colour, expected, slack: int = 24) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(colour, expected, strict=True))


def _generate(client, campaign, capture, shots, model="animatic", batch=None):
    with capture(execute=True):
        return client.post(
            reverse("studio:one_take", args=[campaign.pk]),
            {"shot": [s.pk for s in shots], "model": model, "batch": str(batch or uuid.uuid4())},
        )


def test_the_page_shows_the_prompt_timings_and_both_prices_before_sending(
    client, alice, campaign, board
):
    client.force_login(alice)
    page = client.get(reverse("studio:one_take", args=[campaign.pk])).content.decode()
    assert "Generate the spot in one take" in page
    assert "Generate a 8-second" not in page and "Generate an 8-second product commercial" in page
    for start, end in (("0.0", "2.0"), ("2.0", "5.0"), ("5.0", "8.0")):
        assert f"{start}s–{end}s" in page
    assert "One take:" in page and "shot by shot:" in page
    assert Render.objects.count() == 0  # nothing is sent by looking


def test_a_one_take_on_the_animatic_is_split_into_each_shot_s_piece(
    client, alice, campaign, board, django_capture_on_commit_callbacks, tmp_path
):
    capture = django_capture_on_commit_callbacks
    client.force_login(alice)
    batch = uuid.uuid4()
    response = _generate(client, campaign, capture, board, batch=batch)
    assert response.status_code == 302
    again = _generate(client, campaign, capture, board, batch=batch)  # the form sent twice
    assert again.status_code == 302
    (take,) = Render.objects.filter(shot__one_take=True)
    (take,) = settle(capture, [take])
    assert take.status == S.COMPLETED and take.seconds == 8
    # The board does not show the one-take as a shot; its pieces are takes of the shots.
    assert list(campaign.shots.all()) == board
    pieces = list(Take.objects.filter(cut_from=take).order_by("shot__position"))
    assert [p.shot_id for p in pieces] == [s.pk for s in board]
    edges = [0, 2000, 5000, 8000]
    for index, piece in enumerate(pieces):
        assert abs(piece.cut_in_ms - edges[index]) <= 500
        assert abs(piece.cut_out_ms - edges[index + 1]) <= 500
        assert piece.billed is False and piece.cost == 0 and piece.status == S.COMPLETED
        local = _local(piece.video_key, tmp_path / f"piece-{index}.mp4")
        first = _frame(local, "first", tmp_path / f"{index}-first.png")
        last = _frame(local, "last", tmp_path / f"{index}-last.png")
        assert _near(first, SCENES[index]) and _near(last, SCENES[index]), (index, first, last)
        assert media.probe(local).duration_ms == piece.duration_ms
    total = sum(p.duration_ms for p in pieces)
    assert abs(total - take.duration_ms) <= 1000 / 24 * len(pieces)
    # Each shot's piece is on the grid, marked, with its poster.
    grid = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert grid.count("from the one-take spot") >= len(pieces)
    assert all(p.thumbnail_key for p in Render.objects.filter(cut_from=take))
    # The page lists the one-take with its pieces; the one-take's take page plays it.
    page = client.get(reverse("studio:one_take", args=[campaign.pk])).content.decode()
    for piece in pieces:
        assert reverse("studio:take_page", args=[piece.pk]) in page
    assert client.get(reverse("studio:take_page", args=[take.pk])).status_code == 200
    # Compared with the per-shot edit of the same shots: each its own take, never a piece
    # (these shots have no other take: their animatics).
    with capture(execute=True):
        client.post(reverse("studio:one_take_compare", args=[campaign.pk, take.shot_id]))
    edit = Cut.objects.get(kind=CutKind.PER_SHOT)
    assert edit.status == "completed" and [s["shot"] for s in edit.sources] == [s.pk for s in board]
    assert all(s["take"] is None for s in edit.sources)
    page = client.get(reverse("studio:one_take", args=[campaign.pk])).content.decode()
    assert reverse("studio:cut_media", args=[campaign.pk, edit.pk, "video"]) in page
    # Split again (a second delivery) makes nothing more.
    from studio.production import one_take_split

    assert one_take_split.split(take.pk) == 0
    assert Render.objects.filter(cut_from=take).count() == len(board)


def test_a_piece_is_reviewed_and_its_credentials_name_the_one_take_as_parent(
    client, alice, campaign, board, django_capture_on_commit_callbacks, tmp_path
):
    capture = django_capture_on_commit_callbacks
    client.force_login(alice)
    _generate(client, campaign, capture, board)
    (take,) = settle(capture, list(Render.objects.filter(shot__one_take=True)))
    piece = Render.objects.filter(cut_from=take).order_by("shot__position").first()
    with capture(execute=True):
        decided = client.post(
            reverse("studio:take_decide", args=[piece.pk]), {"verdict": "approved"}
        )
    assert decided.status_code in (200, 302)
    assert piece.decisions.filter(verdict="approved").exists()
    signing.sign(piece.pk)
    piece.refresh_from_db()
    copy = _local(piece.delivered()["key"], tmp_path / "signed.mp4")
    reader = c2pa.Reader("video/mp4", copy.open("rb"))
    store = reader.json()
    assert "One-take spot" in store and "parentOf" in store and "c2pa.opened" in store
    take.refresh_from_db()
    assert take.delivered()  # the parent was signed to be cited


def test_a_total_no_model_makes_offers_to_split_at_a_shot_boundary(client, alice, campaign):
    shots = [make_shot(campaign, title=f"Long {n}", seconds=8, prompt=_prompt(n)) for n in range(3)]
    client.force_login(alice)
    page = client.get(reverse("studio:one_take", args=[campaign.pk])).content.decode()
    assert "makes 24 s in one take" in page and "Split it at a shot boundary" in page
    response = client.post(
        reverse("studio:one_take", args=[campaign.pk]),
        {"shot": [s.pk for s in shots], "model": "animatic", "batch": str(uuid.uuid4())},
    )
    assert response.status_code == 422 and Render.objects.count() == 0
    found = one_take.plan(campaign, shots)
    assert [len(h) for h in found.halves] in ([1, 2], [2, 1])


def test_the_one_take_is_priced_beside_the_shots_and_held_to_the_hard_budget(
    client, alice, campaign, board, openai_fake
):
    for shot in board:
        Shot.objects.filter(pk=shot.pk).update(model_key="sora-2")
    shots = list(campaign.shots.all())
    found = one_take.plan(campaign, shots, "sora-2")
    assert found.model.key == "sora-2" and found.length == 8
    per_second = catalog.require("sora-2").price_per_second("1280x720", True)
    assert found.price == per_second * 8
    # Each shot alone is billed at a length sora-2 makes; the editor would say so: priced as is.
    assert found.per_shot_price == sum(per_second * s.seconds for s in shots)
    campaign.budget = Decimal("0.50")
    campaign.save()
    client.force_login(alice)
    response = client.post(
        reverse("studio:one_take", args=[campaign.pk]),
        {"shot": [s.pk for s in shots], "model": "sora-2", "batch": str(uuid.uuid4())},
    )
    assert response.status_code == 422 and "budget" in response.content.decode()
    assert Render.objects.count() == 0 and not Shot.one_takes.exists()


def test_a_one_take_through_the_openai_contract_is_split_at_the_fake_s_scene_changes(
    client, alice, campaign, board, openai_fake, django_capture_on_commit_callbacks, tmp_path
):
    capture = django_capture_on_commit_callbacks
    # The fake renders what a multi-shot model makes: scenes changing near the planned cuts.
    video = scenes_video(tmp_path / "spot.mp4", [2.2, 2.7, 3.1], size="1280x720")
    openai_fake.video_bytes = video.read_bytes()
    client.force_login(alice)
    response = _generate(client, campaign, capture, board, model="sora-2")
    assert response.status_code == 302
    (take,) = settle(capture, list(Render.objects.filter(shot__one_take=True)))
    assert take.status == S.COMPLETED
    (create,) = openai_fake.seen.creates
    assert create["seconds"] == "8" and create["prompt"] == take.prompt_text
    assert take.prompt_json["sent_as"] == "timeline prompt"  # the form it was sent in, recorded
    assert "0.0s-2.0s (Shot 1 - Beat 1):" in create["prompt"] and "Total: 8.0s." in create["prompt"]
    pieces = list(Render.objects.filter(cut_from=take).order_by("shot__position"))
    assert [round(p.cut_in_ms / 1000, 1) for p in pieces] == [0.0, 2.2, 4.9]
    for index, piece in enumerate(pieces):
        local = _local(piece.video_key, tmp_path / f"piece-{index}.mp4")
        colour = SCENE_COLOURS[index]
        assert _near(_frame(local, "first", tmp_path / "a.png"), colour)
        assert _near(_frame(local, "last", tmp_path / "b.png"), colour)
    # Generated again, as it was sent: one more paid job, the same prompt.
    with capture(execute=True):
        client.post(reverse("studio:one_take_again", args=[campaign.pk, take.shot_id]),
                    {"batch": str(uuid.uuid4())})  # fmt: skip
    assert len(openai_fake.seen.creates) == 2
    assert openai_fake.seen.creates[1]["prompt"] == create["prompt"]
    # A piece is a take like any: it can be its shot's hero (and so a format's spot's).
    client.post(reverse("studio:take_hero", args=[pieces[1].pk]))
    assert Shot.objects.get(pk=board[1].pk).hero_take_id == pieces[1].pk


def test_a_remixed_one_take_is_split_by_the_timings_of_the_one_it_remixes(
    client, alice, campaign, board, openai_fake, django_capture_on_commit_callbacks, tmp_path
):
    capture = django_capture_on_commit_callbacks
    openai_fake.video_bytes = scenes_video(tmp_path / "s.mp4", [2, 3, 3], "1280x720").read_bytes()
    client.force_login(alice)
    _generate(client, campaign, capture, board, model="sora-2")
    (take,) = settle(capture, list(Render.objects.filter(shot__one_take=True)))
    page = client.get(reverse("studio:one_take", args=[campaign.pk])).content.decode()
    assert reverse("studio:take_remix", args=[take.pk]) in page  # sora-2 remixes
    with capture(execute=True):
        client.post(
            reverse("studio:take_remix", args=[take.pk]),
            {"prompt": "The same spot at dusk.", "batch_key": str(uuid.uuid4())},
        )
    remix = Render.objects.get(remix_of=take)
    (remix,) = settle(capture, [remix])
    assert remix.status == S.COMPLETED and remix.shot_id == take.shot_id
    pieces = Render.objects.filter(cut_from=remix).order_by("shot__position")
    assert [p.shot_id for p in pieces] == [s.pk for s in board]
    assert [p.cut_in_ms for p in pieces] == [0, 2000, 5000]
    # Each shot now has two pieces (one per one-take), each its own take number.
    assert sorted(Render.objects.filter(shot=board[0]).values_list("take", flat=True)) == [1, 2]


@pytest.mark.parametrize("key", ["seedance-2", "kling-3-pro", "wan-2.6", "vidu-q3"])
def test_a_one_take_task_for_runware_fits_the_sdk_types(campaign, board, runware_fake, key):
    from tests.test_runware_contract import violations

    found = one_take.plan(campaign, list(campaign.shots.all()), key)
    assert found.model is not None and found.model.key == key and not found.problem
    take = one_take.request(campaign, None, found)
    spec: JobSpec = jobs.spec_for(take)
    task = build_task(spec)
    assert violations(task) == []
    assert task["positivePrompt"] == found.text and task["duration"] == found.length


def test_no_provider_contract_has_multi_shot_parameters_so_the_timeline_is_the_prompt():
    """Issue 37: where a documented contract has native multi-shot parameters, use them. Today
    neither runware-sdk's typed params nor the Videos API's OpenAPI text has any: if one
    appears, this fails and the adapter should send it (docs/providers.md)."""
    import inspect
    import typing

    task_map = pytest.importorskip("runware.types.task_map")
    keys = {
        key
        for value in vars(task_map).values()
        if inspect.isclass(value) and value.__name__.endswith("Params")
        for key in typing.get_type_hints(value)
    }
    assert keys and not [k for k in keys if "shot" in k.lower() or "scene" in k.lower()]
    spec = yaml.safe_load(
        (Path(__file__).parents[2] / "shared/reference/openai-videos-openapi.yaml").read_text()
    )

    def properties(node) -> set[str]:
        if isinstance(node, dict):
            found = (
                set(node.get("properties", {}))
                if isinstance(node.get("properties"), dict)
                else set()
            )
            return found.union(*(properties(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(properties(v) for v in node))
        return set()

    names = properties(spec)
    assert "prompt" in names and "seconds" in names
    assert not [n for n in names if "shot" in n.lower() or "scene" in n.lower()]


def test_the_review_queue_holds_the_pieces_not_the_whole_one_take(
    client, alice, campaign, board, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    client.force_login(alice)
    _generate(client, campaign, capture, board)
    (take,) = settle(capture, list(Render.objects.filter(shot__one_take=True)))
    page = client.get(reverse("studio:review_queue")).content.decode()
    pieces = Render.objects.filter(cut_from=take)
    assert pieces.count() == len(board)
    for piece in pieces:
        assert reverse("studio:take_page", args=[piece.pk]) in page
    assert f'href="{reverse("studio:take_page", args=[take.pk])}?' not in page
