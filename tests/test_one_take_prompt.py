"""The spot in one prompt (issue 37, point 1, the groundwork): the seed's Example 3 shots
compile to the seed's text line by line (tests/golden/one-take-example-3.txt, copied from
../shared/seeds/000_…txt §10); a five-shot 15 s spot fits each multi-shot model's prompt
limit, shortened and said where it must be; timings snap to a length the model makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generation import catalog
from generation.prompts.one_take import Part, compile_spot, describe, fitted, snapped

GOLDEN = (Path(__file__).parent / "golden" / "one-take-example-3.txt").read_text().rstrip("\n")
EXAMPLE_3 = [
    Part("The Hook", 0.4, "Rapid dolly-in at 12× speed, 85mm portrait lens f/1.8, product in "
         "golden hour lighting, EASE_IN acceleration. END: Extreme close-up, product centered, "
         "warm golden tones."),
    Part("The Reveal", 0.8, "Same product, same lighting. Orbital movement 4× speed, 50mm "
         "f/4.0, 180° rotation revealing product features. END: 45° angle, product features "
         "visible.", connected=True),
    Part("Detail Focus", 0.8, "Static with micro-drift, 100mm macro f/1.4, extreme close-up "
         "texture detail. Gentle floating movement. END: Texture detail fills frame.",
         cut="Jump cut"),
    Part("Hero Moment", 1.0, "Slow dolly-out 2× speed, 24mm wide f/8.0, product with logo "
         "prominent. EASE_OUT deceleration. END: Full product reveal, logo visible.",
         cut="Match cut"),
    Part("Lifestyle", 1.5, "Tracking shot 3× speed, 35mm f/5.6, product in use. Linear motion. "
         "END: Product in natural context.", connected=True, cut="Seamless flow"),
    Part("Atmosphere", 1.3, "Static push-in 1.5× speed, 85mm f/2.0, atmospheric elements. END: "
         "Mood established.", cut="Jump cut"),
    Part("Final Hero", 1.2, "Static beauty shot, 50mm f/4.0, product centered with logo. "
         "Micro-drift 0.3× speed. END: Perfect composition, logo prominent.", cut="Match cut"),
    Part("Payoff", 1.0, "Same product, same position. Slow zoom-out 1.5× speed, 24mm f/11.0, "
         "reveals full scene. Maintains continuity.", connected=True),
]  # fmt: skip
STYLE = "Premium, cinematic, warm tones, 9:16 vertical, 720p"


def test_the_seed_s_example_3_compiles_line_by_line():
    text = compile_spot(
        EXAMPLE_3,
        kind="premium product commercial",
        style=STYLE,
        pacing="FAST_CUT with strategic pauses",
    )
    assert text.splitlines() == GOLDEN.splitlines()


def five_shots() -> list[Part]:
    prompt = {
        "scene": "A sunlit kitchen counter of pale oak, a glass of cold brew sweating beside "
        "the can, morning light through linen curtains, steam from a kettle behind.",
        "subject": "The Northwind Cold Brew can, condensation running down its matte label",
        "beats": ["The can turns slowly on the oak to show its label, ice settling in the glass "
                  "beside it. END: the label faces the lens, centred"],
        "camera": {"movement": "slow push-in", "lens_mm": 85, "framing": "CU",
                   "depth_of_field": "f/2.8", "angle": "eye level"},
        "lighting": {"direction": "soft window light from the left", "quality": "soft",
                     "color_temperature": "warm morning"},
    }  # fmt: skip
    body, end = describe(prompt).split(" END: ")
    described = f"{body} {' '.join(['Fine grain, shallow focus.'] * 12)} END: {end}"
    return [
        Part(f"Beat {n}", 3.0, described, connected=n > 1, cut="" if n == 1 else "Match cut")
        for n in range(1, 6)
    ]


MULTI_SHOT = ["seedance-2", "kling-3-pro", "minimax-h3", "vidu-q3", "wan-2.6", "sora-2"]


@pytest.mark.parametrize("key", MULTI_SHOT)
def test_a_fifteen_second_five_shot_spot_fits_each_model_s_prompt_limit(key):
    model = catalog.require(key)
    limit = min(route.prompt_max for route in model.routes)  # the strictest way to reach it
    text, parts, said = fitted(five_shots(), limit, style=STYLE)
    assert len(text) <= limit
    assert text.count("(Shot ") == 5 and text.count(" END: ") == 5  # nothing dropped
    assert "Total: 15.0s." in text and "12.0s-15.0s (Shot 5 - Beat 5) [CONNECTED]:" in text
    full = compile_spot(five_shots(), style=STYLE)
    if len(full) > limit:
        assert said and all("shortened" in s or "cut" in s for s in said)
    else:
        assert said == [] and text == full


def test_a_shot_s_layers_describe_its_camera_light_action_and_end():
    text = describe({
        "subject": "The can", "beats": ["It turns. END: the label faces us"],
        "camera": {"movement": "slow orbit", "lens_mm": 50}, "lighting": {"direction": "soft key"},
    })  # fmt: skip
    assert "slow orbit" in text.lower()
    assert "50mm" in text and "soft key" in text and "It turns." in text
    assert text.endswith("END: the label faces us.")


@pytest.mark.parametrize(
    ("allowed", "length"), [([4, 8, 12], 8), ([5, 10], 10), ([6], 6), ([12, 15], None)]
)
def test_timings_snap_to_a_length_the_model_makes(allowed, length):
    result = snapped(EXAMPLE_3, allowed)  # 8 s of shots
    if length is None:
        assert result is None  # 12 s is more than a quarter longer: split the spot instead
        return
    made, parts = result
    assert made == length and round(sum(p.seconds for p in parts), 1) == length
    assert [p.name for p in parts] == [p.name for p in EXAMPLE_3]
    assert all(p.seconds > 0 for p in parts)


@pytest.mark.parametrize("limit", [2400, 1500, 900])
def test_a_spot_over_the_limit_is_shortened_middle_first_and_said(limit):
    full = compile_spot(five_shots(), style=STYLE)
    assert len(full) > limit
    text, parts, said = fitted(five_shots(), limit, style=STYLE)
    assert len(text) <= limit and said
    assert text.count("(Shot ") == 5  # every shot and its timings kept
    assert all(p.description.startswith("Slow push-in") for p in parts)  # the start kept
    if limit >= 1500:  # middle sentences went first: every shot still ends on its frame
        assert text.count(" END: the label faces the lens, centred.") == 5
        assert all("shortened" in s for s in said)
