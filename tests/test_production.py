"""The production half through its real entry points: formats and the deliverables grid,
"generate missing formats" (planned, priced, under the budget), moving a shot to another model,
and the storyboard's order."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from generation import catalog
from generation.models import Render, RenderStatus
from studio.images import check_image
from studio.models import Decision, Format, Shot
from studio.production import deliverables
from studio.shots import editing
from tests.factories import make_shot, make_take
from tests.images import image_bytes, upload
from tests.pipeline import settle

S = RenderStatus


def _formats(campaign, *pairs):
    for name, aspect in pairs:
        deliverables.add_format(campaign, name, aspect)
    return list(campaign.formats.all())


def _shots(campaign, n):
    return [
        make_shot(campaign, title=f"Shot {i}", prompt={"scene": f"A cup of coffee, view {i}."})
        for i in range(1, n + 1)
    ]


def test_the_campaign_form_declares_formats_by_aspect_with_names(client, ed, workspace):
    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_create"),
        {"name": "Launch", "status": "planning", "target_formats": ["9:16", "16:9"]},
    )
    assert response.status_code == 302
    formats = list(workspace.campaigns.get(name="Launch").formats.all())
    assert [(f.name, f.aspect) for f in formats] == [("Reels", "9:16"), ("YouTube", "16:9")]


def test_a_named_format_is_added_and_a_duplicate_keeps_the_input(client, ed, campaign):
    client.force_login(ed)
    url = reverse("studio:format_add", args=[campaign.pk])
    assert client.post(url, {"name": "TikTok", "aspect": "9:16"}).status_code == 302
    again = client.post(url, {"name": "tiktok", "aspect": "1:1"})
    assert again.status_code == 422
    page = again.content.decode()
    assert "already has a format called" in page and 'value="tiktok"' in page
    bad = client.post(url, {"name": "Odd", "aspect": "3:2"})
    assert bad.status_code == 422 and "Choose one of the aspects" in bad.content.decode()
    assert list(campaign.formats.values_list("name", flat=True)) == ["TikTok"]


def test_the_grid_costs_the_same_queries_whatever_its_size(
    client, ed, campaign, django_assert_num_queries
):
    _formats(campaign, ("Reels", "9:16"), ("YouTube", "16:9"))
    client.force_login(ed)
    url = reverse("studio:deliverables", args=[campaign.pk])
    _shots(campaign, 2)
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(10) as small:  # one of them: the required approvers
        assert client.get(url).status_code == 200
    for shot in _shots(campaign, 6):
        make_take(shot, size="720x1280", thumbnail_key="x.jpg", stored=False)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('data-status="missing"') == 2 * 2 + 6  # 2 empty shots, 6 lack 16:9
    assert page.count('data-status="in_review"') == 6


def test_a_long_grid_comes_a_page_at_a_time(client, ed, campaign, django_assert_num_queries):
    from studio.production.grid import GRID_PAGE

    _formats(campaign, ("Reels", "9:16"), ("YouTube", "16:9"))
    Shot.objects.bulk_create(
        Shot(campaign=campaign, title=f"Shot {i}", position=i, prompt={"scene": "x"})
        for i in range(1, 2 * GRID_PAGE + 21)
    )
    client.force_login(ed)
    url = reverse("studio:deliverables", args=[campaign.pk])
    client.get(url)
    with django_assert_num_queries(11):  # as a grid of two shots, and the count of its shots
        first = client.get(url).content.decode()
    total = 2 * GRID_PAGE + 20
    assert first.count("<tr>") - 1 == GRID_PAGE  # the head's row, and a page of shots
    assert f'On this page: <span class="badge cell-missing">{2 * GRID_PAGE} missing' in first
    assert f"Shots 1–{GRID_PAGE} of {total}" in first and "?page=2" in first
    last = client.get(f"{url}?page=3", HTTP_HX_REQUEST="true").content.decode()
    assert (
        last.count("<tr>") - 1 == 20 and f">{2 * GRID_PAGE + 1}. Shot {2 * GRID_PAGE + 1}<" in last
    )
    assert f'hx-get="{url}?page=3"' in last  # its polling keeps the page
    beyond = client.get(f"{url}?page=99").content.decode()
    assert "page 3 of 3" in beyond


def _signature(page: str) -> str:
    """The plan's signature as the confirm form carries it."""
    return re.search(r'name="signature" value="([0-9a-f]+)"', page).group(1)


def test_nearest_size_is_shown_before_anything_is_sent_and_used(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    _formats(campaign, ("Feed", "4:5"))
    shot = _shots(campaign, 1)[0]
    size, exact = Format.objects.get().size_for("animatic")
    assert not exact and catalog.parse_size(size) == (832, 1088)  # the shape nearest 4:5
    client.force_login(ed)
    plan = client.get(reverse("studio:deliverables_missing", args=[campaign.pk])).content.decode()
    assert "nearest" in plan and "832×1088" in plan and "Estimated total" in plan
    assert not Render.objects.exists()  # looking sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("studio:deliverables_missing", args=[campaign.pk]),
            {"batch_key": str(uuid.uuid4()), "signature": _signature(plan)},
        )
    (take,) = settle(django_capture_on_commit_callbacks)
    assert take.size == size and take.status == S.COMPLETED and take.shot == shot
    cell = deliverables.grid(campaign).rows[0][1][0]
    assert cell.status == "in_review" and cell.poster == take


def test_generate_missing_fills_the_grid_once_and_approval_names_the_approver(
    client, ed, rita, campaign, django_capture_on_commit_callbacks
):
    _formats(campaign, ("Reels", "9:16"), ("YouTube", "16:9"), ("Shorts", "9:16"))
    shots = _shots(campaign, 2)
    client.force_login(ed)
    url = reverse("studio:deliverables_missing", args=[campaign.pk])
    key = str(uuid.uuid4())
    form = {"batch_key": key, "signature": _signature(client.get(url).content.decode())}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
        again = client.post(url, form)  # the same form again: the plan it confirmed is gone
        assert again.status_code == 409 and "Nothing was queued" in again.content.decode()
        assert "Nothing is missing" in client.get(url).content.decode()
        client.post(url, {**form, "batch_key": str(uuid.uuid4())})  # a new key, an old plan
    takes = settle(django_capture_on_commit_callbacks)
    # One take per shot and shape: Reels and Shorts share the vertical one.
    assert sorted((t.shot_id, t.size) for t in takes) == sorted(
        (s.pk, size) for s in shots for size in ("720x1280", "1280x720")
    )
    assert all(t.status == S.COMPLETED for t in takes)
    vertical = next(t for t in takes if t.size == "720x1280" and t.shot == shots[0])
    Decision.objects.create(render=vertical, reviewer=rita, verdict="approved")
    grid = deliverables.grid(campaign)
    first_row = {c.format.name: c for c in grid.rows[0][1]}
    assert first_row["Reels"].status == first_row["Shorts"].status == "approved"
    assert first_row["Reels"].approver == "rita"
    assert first_row["YouTube"].status == "in_review"
    page = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert "Approved by rita" in page


def test_the_grid_polls_only_while_takes_are_in_flight(client, ed, campaign):
    _formats(campaign, ("YouTube", "16:9"))
    shot = _shots(campaign, 1)[0]
    client.force_login(ed)
    url = reverse("studio:deliverables", args=[campaign.pk])
    idle = client.get(url).content.decode()
    # Idle, the grid is asked again only when a decision is made in it, never on a timer.
    assert 'hx-trigger="decided from:body"' in idle and "every 2s" not in idle
    assert "data-working" not in idle
    make_take(shot, status=S.IN_PROGRESS)
    polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert polled.lstrip().startswith('<section id="grid"')
    assert 'hx-trigger="every 2s, decided from:body"' in polled and "data-working" in polled
    assert 'data-status="rendering"' in polled


def test_generate_missing_stops_at_the_hard_budget(
    ed, campaign, settings, django_capture_on_commit_callbacks
):
    settings.RUNWARE_API_KEY = "test-key-not-real"
    model = catalog.get("kling-3-standard")
    per_second = model.price_per_second("1280x720", True)
    campaign.budget = per_second * 5 * 3 + Decimal("0.01")  # three 5-second takes fit
    campaign.save()
    _formats(campaign, ("YouTube", "16:9"))
    for shot in _shots(campaign, 5):
        shot.model_key, shot.size, shot.seconds = model.key, "1280x720", 5
        shot.save()
    plan = deliverables.plan_missing(campaign)
    assert len(plan.ready) == 5 and plan.fits == 3
    with django_capture_on_commit_callbacks(execute=False):
        result = deliverables.generate_missing(campaign, ed, uuid.uuid4(), plan.signature)
    assert len(result.queued) == 3
    assert len(result.skipped) == 2 and "budget" in result.skipped[0][1]
    reserved = sum(r.cost_estimate for r in Render.objects.all())
    assert reserved <= campaign.budget


def test_moving_a_shot_to_another_model_says_what_changes_then_does_it(
    client, ed, campaign, settings
):
    settings.RUNWARE_API_KEY = "test-key-not-real"
    shot = _shots(campaign, 1)[0]
    shot.size, shot.seconds = "1792x1024", 12
    shot.save()
    image = upload(size=(1792, 1024))
    shot.set_reference(image, check_image(image))
    shot.set_last_frame(image_bytes((1792, 1024)), "test")
    client.force_login(ed)
    options = client.get(
        reverse("studio:shot_options", args=[campaign.pk, shot.pk]),
        {"model_key": "sora-2-pro", "size": "1792x1024", "seconds": "12"},
    ).content.decode()
    # Sora 2 Pro makes this size and length; it takes no last frame.
    assert "Sora 2 Pro takes none" in options and "→" not in options
    options = client.get(
        reverse("studio:shot_options", args=[campaign.pk, shot.pk]),
        {"model_key": "veo-3.1-fast", "size": "1792x1024", "seconds": "12"},
    ).content.decode()
    assert 'id="model-changes"' in options
    assert "1792×1024 (7:4) → 1280×720 (16:9)" in options
    assert "Length 12 s → 8 s" in options
    changes = editing.model_changes(shot, "veo-3.1-fast", "1280x720", 8)
    analysis = editing.analyse(
        shot, {"prompt": shot.prompt, "model_key": "veo-3.1-fast", "size": "1280x720",
               "seconds": 8},
    )  # fmt: skip
    editing.save_shot(
        shot, ed, {"title": shot.title, "prompt": shot.prompt, "model_key": "veo-3.1-fast",
                   "size": "1280x720", "seconds": 8}, analysis,
    )  # fmt: skip
    shot.refresh_from_db()
    assert changes and shot.model_key == "veo-3.1-fast"
    assert shot.last_frame_dimensions == (1280, 720)  # Veo takes a last frame: fitted again


def test_moving_to_a_model_without_a_last_frame_drops_it(ed, campaign, settings):
    settings.OPENAI_API_KEY = "test-key-not-real"
    shot = _shots(campaign, 1)[0]
    shot.set_last_frame(image_bytes((1280, 720)), "test")
    assert "The last-frame image will be removed" in " ".join(
        editing.model_changes(shot, "sora-2", "1280x720", 4)
    )
    values = {"title": shot.title, "prompt": shot.prompt, "model_key": "sora-2",
              "size": "1280x720", "seconds": 4}  # fmt: skip
    editing.save_shot(shot, ed, values, editing.analyse(shot, values))
    shot.refresh_from_db()
    assert shot.last_frame_image == ""


def test_the_storyboard_reorders_by_drag_and_by_buttons(client, ed, vic, campaign):
    a, b, c = _shots(campaign, 3)
    client.force_login(ed)
    url = reverse("studio:storyboard_order", args=[campaign.pk])
    response = client.post(url, {"shot": [c.pk, a.pk, b.pk]}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert list(campaign.shots.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    page = response.content.decode()
    assert page.index("Shot 3") < page.index("Shot 1") < page.index("Shot 2")
    client.post(url, {"shot": [c.pk, a.pk, b.pk], "move": f"{b.pk}:up"})
    assert list(campaign.shots.values_list("pk", flat=True)) == [c.pk, b.pk, a.pk]
    # A list from an out-of-date page (a shot missing) changes nothing.
    client.post(url, {"shot": [a.pk, b.pk]})
    assert list(campaign.shots.values_list("pk", flat=True)) == [c.pk, b.pk, a.pk]
    client.force_login(vic)
    assert client.post(url, {"shot": [a.pk, b.pk, c.pk]}).status_code == 403


def test_the_storyboard_shows_running_time_per_format(client, ed, campaign):
    _formats(campaign, ("Reels", "9:16"))
    shots = _shots(campaign, 2)
    make_take(shots[0], size="720x1280", duration_ms=4500, thumbnail_key="p.jpg", stored=False)
    client.force_login(ed)
    page = client.get(reverse("studio:storyboard", args=[campaign.pk])).content.decode()
    assert "Running time 0:08" in page  # 4.5 s hero + 4 s planned, rounded
    assert "1 of 2 shots have a hero" not in page  # not approved or chosen: no hero yet
    assert "0 of 2 shots have a hero" in page


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_editors_generate_missing_formats(client, team, campaign, role):
    client.force_login(team[role])
    url = reverse("studio:deliverables_missing", args=[campaign.pk])
    assert client.post(url, {"batch_key": str(uuid.uuid4())}).status_code == 403
    assert not Render.objects.exists()


def test_a_cell_costs_what_its_takes_were_billed_a_reported_zero_included(client, ed, campaign):
    """The money rule is generation/budget.py's: a provider's reported cost of $0 is $0, not
    the estimate (the grid's own copy of the rule took a zero for "no report")."""
    _formats(campaign, ("YouTube", "16:9"))
    (shot,) = _shots(campaign, 1)
    make_take(shot, 1, billed=True, cost_estimate=Decimal("1.20"), cost_actual=Decimal("0"),
              stored=False)  # fmt: skip
    make_take(shot, 2, billed=True, cost_estimate=Decimal("0.40"), stored=False)
    make_take(shot, 3, status=S.FAILED, billed=False, cost_estimate=Decimal("9"), stored=False)
    client.force_login(ed)
    page = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert "3 takes · $0.40" in page


def test_the_grid_s_columns_follow_the_campaign_s_format_order(client, ed, campaign):
    *_, square = _formats(campaign, ("Reels", "9:16"), ("YouTube", "16:9"), ("Feed", "1:1"))
    _shots(campaign, 1)
    client.force_login(ed)
    url = reverse("studio:deliverables", args=[campaign.pk])

    def columns():
        head = client.get(url).content.decode().split("<thead>")[1].split("</thead>")[0]
        return sorted(("Reels", "YouTube", "Feed"), key=head.index)

    assert columns() == ["Reels", "YouTube", "Feed"]
    Format.objects.filter(pk=square.pk).update(position=0)  # moved first
    assert columns() == ["Feed", "Reels", "YouTube"]
