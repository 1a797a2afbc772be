from __future__ import annotations

from pathlib import Path

import pytest

from generation import prompts as prompting
from generation.catalog import MODELS
from generation.prompts import BrandKit, compile_prompt, lint, normalize, timeline_problems

GOLDEN = Path(__file__).parent / "golden"
ANIMATIC = MODELS["animatic"]


@pytest.mark.parametrize("key", sorted(prompting.SEED_TEMPLATES))
def test_seed_examples_compile_to_their_golden_text(key):
    text = compile_prompt(prompting.template_prompt(key), ANIMATIC).text
    assert text + "\n" == (GOLDEN / f"{key}.txt").read_text()


@pytest.mark.parametrize("key", sorted(prompting.SEED_TEMPLATES))
def test_seed_examples_have_no_lint(key):
    seed = prompting.SEED_TEMPLATES[key]
    prompt = prompting.template_prompt(key)
    text = compile_prompt(prompt, ANIMATIC).text
    assert lint(prompt, ANIMATIC, seed["seconds"], text, prompt_max=4000) == []


def test_connected_segments_write_the_continuity_text():
    text = compile_prompt(prompting.template_prompt("continuity-test"), ANIMATIC).text
    assert "2.0s-4.0s (Shot 2) [CONNECTED]:\nStarts EXACTLY where Shot 1 ended" in text
    assert "0.0s-2.0s (Shot 1):\n" in text
    assert "motion accelerates from slow to fast (EASE_IN)" in text
    assert "at 3× speed" in text


def seg(start, end, **extra):
    return {"start": start, "end": end, "action": "The cup turns.", **extra}


@pytest.mark.parametrize(
    "segments, code, fragment",
    [
        ([], "timeline_empty", "at least one segment"),
        ([seg(0, 2), seg(2.5, 4)], "timeline_tiling", "a gap"),
        ([seg(0, 2.5), seg(2, 4)], "timeline_tiling", "an overlap"),
        ([seg(0, 2), seg(2, 3)], "timeline_length", "must end at 4.0s"),
        ([seg(0, 2), seg(2, 5)], "timeline_length", "ends at 5.0s"),
        ([seg(0.5, 4)], "timeline_tiling", "starts at 0.5s"),
        ([seg(0, 2), seg(2, 2), seg(2, 4)], "timeline_order", "not after its start"),
        ([seg(0, 4, curve="WOBBLE")], "timeline_curve", "EASE_IN"),
        ([seg(0, 4, speed=-1)], "timeline_speed", "positive number"),
    ],
)
def test_timeline_tiling_errors(segments, code, fragment):
    problems = timeline_problems(segments, 4)
    assert code in {p.code for p in problems}
    assert any(fragment in p.message for p in problems)
    assert all(p.level == "error" for p in problems)


def test_a_tiled_timeline_has_no_problems():
    assert timeline_problems([seg(0, 0.5), seg(0.5, 1.5), seg(1.5, 4)], 4) == []
    assert timeline_problems([seg(0, 1.3), seg(1.3, 2.6), seg(2.6, 4.0)], 4) == []


def test_even_timeline_tiles_and_keeps_text():
    segments = prompting.even_timeline(3, 4, [{"action": "Beans fall"}])
    assert [(s["start"], s["end"]) for s in segments] == [(0.0, 1.3), (1.3, 2.7), (2.7, 4.0)]
    assert segments[0]["action"] == "Beans fall"
    assert timeline_problems(segments, 4) == []


def codes(prompt, seconds=4, model=ANIMATIC, brand=None, prompt_max=None):
    prompt = normalize(prompt)
    text = compile_prompt(prompt, model, brand).text
    return {item.code for item in lint(prompt, model, seconds, text, brand, prompt_max)}


LIT = {
    "lighting": {
        "direction": "window light from the left",
        "quality": "soft",
        "color_temperature": "warm 3200K",
    }
}


@pytest.mark.parametrize(
    "code, bad, good",
    [
        (
            "keyword_list",
            {"scene": "car chase, night, rain, neon, fast, exciting"},
            {"scene": "A black car drifts around a rain-slicked corner at night."},
        ),
        (
            "vague_lighting",
            {"scene": "A cup.", "lighting": {"quality": "beautiful cinematic lighting"}},
            {"scene": "A cup.", **LIT},
        ),
        ("vague_lighting", {"scene": "A cup."}, {"scene": "A cup.", **LIT}),
        (
            "too_many_actions",
            {"scene": "A barista.", "beats": ["pours", "stirs", "serves"], **LIT},
            {"scene": "A barista.", "beats": ["She pours the milk"], **LIT},
        ),
        (
            "too_many_actions",
            {
                "mode": "timeline",
                "timeline": [
                    {
                        "start": 0,
                        "end": 4,
                        "action": "She pours the milk. She stirs it. Then she serves the cup.",
                    }
                ],
                **LIT,
            },
            {
                "mode": "timeline",
                "timeline": [{"start": 0, "end": 4, "action": "She pours the milk slowly."}],
                **LIT,
            },
        ),
        (
            "duration_in_prose",
            {"scene": "A 10-second video of a cup on a table.", **LIT},
            {"scene": "A cup on a table; the steam rises for a moment.", **LIT},
        ),
        (
            "on_screen_text",
            {"scene": "A cup with a caption that says Good Morning.", **LIT},
            {"scene": "A cup on a sunny windowsill.", **LIT},
        ),
        (
            "real_person",
            {"scene": "Taylor Swift sips the cold brew.", **LIT},
            {"scene": "A young woman with braided hair sips the cold brew.", **LIT},
        ),
        (
            "real_person",
            {"scene": "A celebrity look-alike sips the cold brew.", **LIT},
            {"scene": "A barista sips the cold brew.", **LIT},
        ),
        (
            "copyrighted_character",
            {"scene": "Mickey Mouse holds the cup.", **LIT},
            {"scene": "A cartoon mouse of our own design holds the cup.", **LIT},
        ),
        (
            "copyrighted_music",
            {"scene": "A cup.", "audio": {"music": "Bohemian Rhapsody playing softly"}, **LIT},
            {"scene": "A cup.", "audio": {"music": "slow piano ballad, 70 bpm"}, **LIT},
        ),
        (
            "copyrighted_music",
            {"scene": "A cup.", "audio": {"music": "a song by Adele"}, **LIT},
            {"scene": "A cup.", "audio": {"music": "a soulful ballad with a big voice"}, **LIT},
        ),
    ],
)
def test_each_lint_rule_fires_and_stays_quiet(code, bad, good):
    assert code in codes(bad)
    assert code not in codes(good)


def test_banned_words_from_the_brand_kit_are_errors():
    brand = BrandKit(banned_words=("cheap",))
    prompt = normalize({"scene": "A cheap thrill in every cup.", **LIT})
    text = compile_prompt(prompt, ANIMATIC, brand).text
    found = [i for i in lint(prompt, ANIMATIC, 4, text, brand) if i.code == "banned_word"]
    assert [(i.field, i.level) for i in found] == [("scene", "error")]
    assert "banned_word" not in codes({"scene": "Cheapside market at dawn.", **LIT}, brand=brand)


@pytest.mark.parametrize(
    ("banned", "written", "caught"),
    [
        ("sugar-free", "Totally sugar free.", True),
        ("sugar-free", "SugarFree bars.", True),
        ("sugar free", "A sugar-free bar.", True),
        ("guarantee", "Two guarantees.", True),
        ("guarantees", "A guarantee.", True),
        ("berry", "Fresh berries.", True),
        ("cheap", "Cheaply made.", False),
        ("instant", "Instantly calm.", False),
        ("Oat & Co", "The oat & co jar.", True),
    ],
)
def test_a_banned_word_is_found_across_case_hyphens_spaces_and_plurals(banned, written, caught):
    brand = BrandKit(banned_words=(banned,))
    assert ("banned_word" in codes({"scene": written, **LIT}, brand=brand)) is caught


def test_a_prompt_longer_than_the_model_allows_is_an_error():
    prompt = {"scene": "A cup of coffee on a wooden table. " * 20, **LIT}
    found = [
        i
        for i in lint(
            normalize(prompt), ANIMATIC, 4, compile_prompt(prompt, ANIMATIC).text, prompt_max=100
        )
    ]
    too_long = [i for i in found if i.code == "too_long"]
    assert too_long and too_long[0].level == "error" and too_long[0].field == "prompt"
    assert "too_long" not in codes(prompt, prompt_max=4000)


def test_a_silent_model_gets_no_audio_layer_and_says_so():
    prompt = {"scene": "A cup.", "audio": {"music": "soft jazz"}}
    luma = MODELS["luma-ray-3.2"]
    silent = compile_prompt(prompt, luma)
    assert "Audio:" not in silent.text and "soft jazz" not in silent.text
    assert silent.notes == ["Luma Ray 3.2 makes no sound: the audio layer is left out."]
    loud = compile_prompt(prompt, ANIMATIC)
    assert "Audio: Music: soft jazz." in loud.text and loud.notes == []


def test_optional_audio_switched_off_is_left_out():
    prompt = {"scene": "A cup.", "audio": {"music": "soft jazz", "generate": False}}
    compiled = compile_prompt(prompt, MODELS["veo-3.1"])
    assert "soft jazz" not in compiled.text
    assert "switched off" in compiled.notes[0]


def test_brand_kit_is_merged_in():
    brand = BrandKit(
        style="Premium and warm",
        palette="amber, cream",
        sound="acoustic guitar",
        must_include="The Northwind cup",
    )
    text = compile_prompt({"scene": "A cup.", "style": {"palette": "gold"}}, ANIMATIC, brand).text
    assert "palette: gold, amber, cream; Premium and warm." in text
    assert "Brand sound: acoustic guitar." in text
    assert "Must include: The Northwind cup." in text
    same = {"scene": "A cup.", "style": {"palette": "Amber,  cream"}}
    assert "palette: Amber, cream; Premium" in compile_prompt(same, ANIMATIC, brand).text  # once


def test_dialogue_is_written_with_speaker_and_emotion():
    prompt = {
        "scene": "Two friends at a cafe.",
        "audio": {
            "dialogue": [{"speaker": "Mia", "emotion": "excited", "line": "It's finally here!"}]
        },
    }
    assert 'Dialogue: Mia (excited): "It\'s finally here!"' in compile_prompt(prompt, ANIMATIC).text
