"""The offline planner (issues 22 and 36): what it reads of a brief (its moments, lines, sound,
light, claims; never the product, which is the campaign's), the lengths that meet a running
time, START/END continuity and timelines. The brief set (tests/test_brief_set.py) checks every
plan rule on a dozen briefs and every model."""

from __future__ import annotations

import json

import pytest

from generation import catalog
from generation.prompts import compile_prompt, timeline_problems
from generation.prompts.beats import beats_of, with_beats
from generation.prompts.structure import BrandKit
from studio.shots import brief, planning
from studio.shots.brief import Names
from tests import briefs

BRAND = BrandKit(palette="amber and cream", banned_words=("cheap",))
NORTHWIND = (
    "Northwind Coffee launches its new Cold Brew for busy commuters. Warm, morning mood, in a "
    "sunlit kitchen. Push the smooth taste and the recyclable can."
)


def plan(brief: str, target: int = 20, product: str = "Cold Brew", **names):
    return planning.plan_shots(
        brief, target, "animatic", "1280x720", BRAND, Names(product, **names)
    )


def test_the_product_is_the_campaign_s_never_a_word_of_the_brief():
    brief = "A bar in Lisbon. Oslo friends split the bill with Oat & Co. Warm."
    drafted = plan(brief, product="Splitly")
    text = json.dumps([d.prompt for d in drafted.shots])
    assert "Splitly" in json.dumps(drafted.shots[-1].prompt)
    for guess in ("The Oslo", "the Lisbon", "The Co", "the Co "):
        assert guess not in text


def test_the_brief_s_audience_setting_and_mood_are_read():
    facts = brief.read_brief(
        "We are launching the Trailhead bottle for weekend hikers. Rugged and confident, on a "
        "mountain ridge at sunset. It keeps water cold for 24 hours.",
        Names("Trailhead bottle"),
    )
    assert facts.audience == "weekend hikers"
    assert facts.setting == "a mountain ridge at sunset"
    assert facts.mood == "rugged"
    assert facts.claims == ["Keeps water cold for 24 hours"]
    assert facts.beats == []  # a launch, no story: the seed guides' structure


def test_a_story_s_moments_are_its_beats_in_order_and_its_lines_kept():
    facts = brief.read_brief(
        "Story: a runner laces up, steps out into the mist, crests the ridge. "
        "Voice-over: 'Every morning, a little further.' End on the shoe. "
        'End on the line "Run into the light". Portuguese guitar feel. '
        "The city noise fades to silence when she stops.",
        Names("Trailhead Runner"),
    )
    assert facts.beats == [
        "A runner laces up",
        "The runner steps out into the mist",
        "The runner crests the ridge",
    ]
    assert facts.voiceover == ["Every morning, a little further."]
    assert facts.end_line == "Run into the light"
    assert facts.music == "Portuguese guitar feel"
    assert facts.sounds == [(3, "The city noise fades to silence when she stops")]
    assert facts.claims == []  # no instruction becomes a super
    assert "mist" in facts.look.direction and facts.look.quality == "soft"


def test_supers_are_claims_the_tagline_and_the_call_to_action_never_instructions():
    drafted = plan(NORTHWIND, 30, tagline="Smooth all day", call="Find it today")
    supers = [d.on_screen_text for d in drafted.shots]
    assert supers[-1] == "Smooth all day"  # the tagline ends the film (the end card: the call)
    assert "Smooth taste" in supers and "Recyclable can" in supers
    assert len([s for s in supers if s]) == len(set(s for s in supers if s))
    for draft in drafted.shots:
        if draft.on_screen_text and draft.role == "claim":
            assert draft.on_screen_text not in json.dumps(draft.prompt)  # added in the edit
    assert len({json.dumps(d.prompt) for d in drafted.shots}) == len(drafted.shots)


def test_one_continuous_shot_is_one_shot_with_its_moments_as_a_timeline():
    drafted = plan(
        "One continuous shot: a can rolls along the counter, stops at the edge, a hand catches it.",
        8,
    )
    (only,) = drafted.shots
    assert only.seconds == 8 and only.prompt["mode"] == "timeline"
    actions = [s["action"] for s in only.prompt["timeline"]]
    assert actions[:3] == [
        "A can rolls along the counter",
        "The can stops at the edge",
        "A hand catches it",
    ]
    assert "Cold Brew" in json.dumps(only.prompt)  # it ends on the product
    assert only.prompt["audio"]["dialogue"] == []  # no voice-over nobody asked for


def test_banned_words_in_the_brief_stay_out_of_the_plan_in_any_spelling():
    kit = BrandKit(banned_words=("sugar-free", "cheap"))
    drafted = planning.plan_shots(
        "Sugar free and CHEAP: a parent opens the fridge. Sugarfree bars, high in fibre.",
        12,
        "animatic",
        "1280x720",
        kit,
        Names("Crunch bar"),
    )
    text = json.dumps([[d.prompt, d.on_screen_text] for d in drafted.shots]).lower()
    for spelling in ("sugar free", "sugar-free", "sugarfree", "cheap"):
        assert spelling not in text
    assert "opens the fridge" in text and "high in fibre" in text


@pytest.mark.parametrize("target", [4, 8, 12, 20, 30, 45, 60])
def test_lengths_meet_the_running_time_wherever_any_lengths_can(target):
    for allowed in ([4, 8, 12], [5, 10], [4, 6, 8], [6, 10], [6], list(range(2, 16))):
        shots = planning.lengths(allowed, target)
        assert all(s in allowed for s in shots)
        tolerance = max(1, target * 0.1)
        if briefs.reachable(allowed, target, one_shot=False):
            assert abs(sum(shots) - target) <= tolerance, (allowed, target, shots)
        else:  # none can: the nearest total
            assert abs(sum(shots) - target) <= max(allowed), (allowed, target, shots)


def test_a_connected_shot_opens_on_the_frame_the_shot_before_ends_on():
    drafted = plan(NORTHWIND)
    hook, product = drafted.shots[:2]
    assert product.connected and not hook.connected
    end = "extreme close-up of Cold Brew, light along its edge"
    assert planning.end_frame(hook) == end
    assert product.prompt["scene"].startswith(f"{planning.START}: {planning.end_frame(hook)}.\n")
    # Moved first, it opens on nothing; moved back after the call to action, on that end.
    moved = planning.linked([product, hook])
    assert not moved[0].connected and not moved[0].prompt["scene"].startswith("START")
    product.connected = True
    again = planning.linked([hook, drafted.shots[-1], product])
    assert again[2].prompt["scene"].count("START:") == 1
    assert planning.end_frame(drafted.shots[-1]) in again[2].prompt["scene"]


@pytest.mark.parametrize("seconds", [2, 5, 8, 12])
def test_two_or_more_beats_make_a_timeline_that_tiles_the_shot(seconds):
    beats = ["The can turns. END: the label faces us", "Ice settles", "The can holds still"]
    prompt = with_beats({}, beats, "slow push-in", seconds)
    segments = prompt["timeline"]
    assert prompt["mode"] == "timeline" and len(segments) == 3
    assert timeline_problems(segments, seconds) == []
    assert segments[0]["camera"] == "Slow push-in" and not segments[1]["camera"]
    assert segments[0]["end_state"] == "the label faces us"
    assert beats_of(prompt)[0] == "The can turns. END: the label faces us"
    # Edited beats keep the timings; a new length spreads them again; one beat is layers.
    segments[0]["end"], segments[1]["start"] = 1.0, 1.0
    kept = with_beats(prompt, ["A", "B", "C"], "dolly", seconds)["timeline"]
    assert [s["end"] for s in kept] == [s["end"] for s in segments]
    longer = with_beats(prompt, ["A", "B", "C"], "dolly", seconds + 4)["timeline"]
    assert timeline_problems(longer, seconds + 4) == []
    single = with_beats(prompt, ["Only one"], "dolly", seconds)
    assert single["mode"] == "layers" and single["beats"] == ["Only one"]
    assert single["camera"]["movement"] == "dolly" and single["timeline"] == []


def test_a_timeline_prompt_says_its_subject():
    prompt = with_beats({"subject": "The can"}, ["A turn", "A hold"], "orbit", 6)
    text = compile_prompt(prompt, catalog.require("animatic")).text
    assert text.startswith("Subject: The can.\n\nTimeline:")


@pytest.mark.parametrize("product", ['Jo\'s "Best" Oats', "C++ Coffee (2.0)", "Oat & Co"])
def test_a_product_name_of_any_characters_is_named_and_checked_as_written(product):
    from studio.shots.plan_rules import Rules

    drafted = plan("A parent opens the fridge and smiles.", 12, product=product)
    model = catalog.require("animatic")
    assert Rules(model, "1280x720", 12, BRAND, product).broken(drafted.shots) == []
    assert product in json.dumps(drafted.shots[-1].prompt, ensure_ascii=False).replace('\\"', '"')
