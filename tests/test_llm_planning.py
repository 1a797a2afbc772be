"""The language-model path of "plan shots" (issue 22, points 3 and 6) against a fake
OpenAI-compatible Chat Completions server on 127.0.0.1: a good plan, wrong lengths, missing
fields, non-JSON, a fenced answer, 429 with Retry-After and a timeout; at most one repair
request per plan, and the key sent only to the configured host (never in a page or a log:
the leak checker of every test watches it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation import catalog
from generation.prompts.structure import BrandKit
from studio.models import Shot
from studio.shots import llm_planning
from studio.shots.brief import Names
from studio.shots.plan_rules import Rules
from tests.factories import form_fields as fields
from tests.fakes.chat_fake import API_KEY, MODEL

pytestmark = pytest.mark.django_db
MODEL_KEY, SIZE = "veo-3.1-fast", "1280x720"  # 4, 6 or 8 s
BRAND = BrandKit(palette="amber and cream", banned_words=("cheap", "sugar-free"))
PRODUCT = "Cold Brew"


def rules(target: int = 20) -> Rules:
    return Rules(catalog.require(MODEL_KEY), SIZE, target, BRAND, PRODUCT)


def plan(brief: str, target: int = 20):
    return llm_planning.plan_shots(brief, rules(target), Names(PRODUCT))


def test_a_good_plan_is_taken_as_answered_after_one_request(chat):
    result = plan("good plan for Cold Brew")
    assert [s.seconds for s in result.shots] == [4, 4, 4, 4, 4]
    assert result.shots[0].prompt["camera"]["movement"] == "slow push-in"
    assert result.shots[0].prompt["style"]["palette"] == "amber and cream"
    # Its END frame, the next shot's START on it, two beats as a timeline, words for the edit.
    assert "END: the label faces the lens, centred" in result.shots[0].prompt["beats"][0]
    assert (
        result.shots[1]
        .prompt["scene"]
        .startswith(
            "START: exactly where the shot before ended: the label faces the lens, centred.\n"
        )
    )
    last = result.shots[-1]
    assert last.prompt["mode"] == "timeline" and len(last.prompt["timeline"]) == 2
    assert last.prompt["timeline"][-1]["end"] == 4
    assert last.on_screen_text == "Cold Brew. Smooth all day."
    (sent,) = chat.requests
    assert sent["headers"]["Authorization"] == f"Bearer {API_KEY}"
    body = sent["body"]
    assert body["model"] == MODEL
    assert body["response_format"]["json_schema"]["strict"] is True
    told = body["messages"][0]["content"]
    assert "one of 4, 6, 8" in told and "add up to 20 s (±2 s)" in told
    assert "cheap, sugar-free" in told  # the banned words are told
    assert "The product is “Cold Brew”" in told


@pytest.mark.parametrize("brief", ["wrong lengths please", "missing fields please"])
def test_a_plan_that_does_not_fit_is_repaired_once(chat, brief):
    result = plan(brief)
    assert sum(s.seconds for s in result.shots) == 20
    first, repair = chat.requests
    said = repair["body"]["messages"]
    assert [m["role"] for m in said] == ["system", "user", "assistant", "user"]
    assert "These problems must be fixed" in said[3]["content"]
    if "lengths" in brief:
        assert "Shot 1 is 40 s; Veo 3.1 Fast makes 4, 6, 8 s." in said[3]["content"]
    else:
        assert "does not follow the schema" in said[3]["content"]


@pytest.mark.parametrize("brief", ["always wrong", "not json"])
def test_a_plan_still_wrong_after_one_repair_is_a_clear_error(chat, brief):
    with pytest.raises(llm_planning.PlanningError, match="did not fit"):
        plan(brief)
    assert len(chat.requests) == 2  # the first ask and one repair, no more


def test_a_fenced_answer_is_read(chat):
    assert len(plan("fenced answer").shots) == 5 and len(chat.requests) == 1


def test_a_busy_model_is_said_with_its_retry_after(chat):
    with pytest.raises(llm_planning.PlanningError, match=r"busy \(it answered 429\); it asks"):
        plan("busy today")
    assert len(chat.requests) == 2  # the client waited its Retry-After once


def test_a_model_that_does_not_answer_in_time_is_said(chat):
    with pytest.raises(llm_planning.PlanningError, match="did not answer within 1 s"):
        plan("slow today")


def test_the_plan_page_uses_the_model_and_keeps_the_brief_when_it_fails(client, ed, campaign, chat):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "The language model" in page and API_KEY not in page
    sent = {"target": "20", "model_key": "animatic", "op": "draft", "planner": "llm"}
    sent["product"] = PRODUCT
    good = client.post(url, {**sent, "brief": "good plan for Cold Brew"})
    assert good.status_code == 200 and good.content.decode().count('class="card plan-shot"') == 5
    bad = client.post(url, {**sent, "brief": "always wrong, my careful brief"})
    html = bad.content.decode()
    assert bad.status_code == 422 and "did not fit" in html
    assert "always wrong, my careful brief" in html and not Shot.objects.exists()
    offline = client.post(url, {**sent, "brief": "always wrong", "planner": "builtin"})
    assert offline.status_code == 200 and "plan-shot" in offline.content.decode()


@pytest.mark.parametrize("brief", ["good plan for Cold Brew", "missing fields once"])
def test_a_row_is_drafted_again_by_the_model_its_length_kept(client, ed, campaign, chat, brief):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "planner": "llm", "brief": brief}
    sent["product"] = PRODUCT
    if "missing" in brief:
        html = client.post(url, {**sent, "brief": "good plan", "op": "draft"}).content.decode()
    else:
        html = client.post(url, {**sent, "op": "draft"}).content.decode()
    data = {**fields(html), **sent, "op": "replan-2"}
    before = len(chat.requests)
    again = client.post(url, data)
    fresh = fields(again.content.decode())
    assert again.status_code == 200 and fresh["row-2-title"] == "Drafted again"
    assert fresh["row-2-seconds"] == data["row-2-seconds"]  # asked 6 s back, kept at 4
    assert fresh["row-1-title"] == data["row-1-title"]  # the other rows are untouched
    asked = chat.requests[before:]
    assert len(asked) == (2 if "missing" in brief else 1)  # one repair at most
    body = asked[0]["body"]
    assert body["response_format"]["json_schema"]["name"] == "one_shot"
    assert "Draft shot 3 again" in body["messages"][2]["content"]


def test_a_row_the_model_cannot_draft_again_keeps_the_rows(client, ed, campaign, chat):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "planner": "llm", "brief": "good plan"}
    sent["product"] = PRODUCT
    data = fields(client.post(url, {**sent, "op": "draft"}).content.decode())
    data.update(sent, brief="always wrong now", op="replan-0")
    data["row-0-title"] = "Mine, typed"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 422 and "did not fit" in html
    assert 'value="Mine, typed"' in html


# The plan rules (issue 36, point 3): each broken once (repaired), and always (refused, said).
BROKEN = {
    "banned super": "Shot 3's on-screen text uses “sugar-free”, a banned word.",
    "banned voice": "Shot 4: “sugar-free” is on this campaign's banned-word list.",
    "banned scene": "Shot 2: “cheap” is on this campaign's banned-word list.",
    "no product": "No shot's prompt names the product, “Cold Brew”.",
    "product not last": "The last shot does not name the product, “Cold Brew”",
    "off target": "The shots add up to 32 s; the running time is 20 s (±2 s).",
}


@pytest.mark.parametrize("rule", BROKEN)
def test_a_plan_that_breaks_a_rule_is_repaired_once(chat, rule):
    result = plan(f"Cold Brew for commuters, breaks: {rule} once")
    first, repair = chat.requests
    assert BROKEN[rule] in repair["body"]["messages"][3]["content"]
    assert rules().broken(result.shots) == []  # the repaired plan meets every rule


@pytest.mark.parametrize("rule", BROKEN)
def test_a_plan_that_still_breaks_a_rule_is_refused_with_the_reason(chat, rule):
    with pytest.raises(llm_planning.PlanningError, match="did not fit") as refused:
        plan(f"Cold Brew for commuters, breaks: {rule} always")
    assert BROKEN[rule] in str(refused.value)
    assert len(chat.requests) == 2


def test_a_row_drafted_again_with_a_banned_word_on_screen_is_refused(client, ed, campaign, chat):
    campaign.brand_banned_words = "sugar-free"
    campaign.save()
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "planner": "llm", "product": PRODUCT}
    data = fields(client.post(url, {**sent, "brief": "good plan", "op": "draft"}).content.decode())
    data.update(sent, brief="breaks: banned super always", op="replan-1")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 422 and "did not fit" in html
    assert "on-screen text uses “sugar-free”, a banned word" in html
    assert fields(html).get("row-1-on_screen_text", "") == ""  # the row as it was


def test_the_page_refuses_a_plan_the_model_sends_without_the_product(client, ed, campaign, chat):
    client.force_login(ed)
    url = reverse("studio:plan_shots", args=[campaign.pk])
    sent = {"target": "20", "model_key": "animatic", "planner": "llm", "product": PRODUCT}
    response = client.post(url, {**sent, "brief": "breaks: no product always", "op": "draft"})
    html = response.content.decode()
    assert response.status_code == 422 and "names the product, “Cold Brew”" in html
    assert "breaks: no product always" in html  # the brief kept
