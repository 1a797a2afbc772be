from __future__ import annotations

from decimal import Decimal

import pytest

from generation import catalog
from generation.catalog import MODELS, validate

LIVE = [m for m in MODELS.values() if m.lifecycle.live]


@pytest.fixture
def all_providers(settings):
    settings.OPENAI_API_KEY = "sk-test-not-real"
    settings.RUNWARE_API_KEY = "rw-test-not-real"


def fields(problems):
    return {p.field for p in problems}


def _frame(model):
    """A first frame for a model that animates an image (and needs one)."""
    return (1280, 720) if model.needs_first_frame else None


@pytest.mark.parametrize("model", MODELS.values(), ids=list(MODELS))
def test_every_size_and_duration_of_every_model_is_valid(all_providers, model):
    for size in model.sizes:
        for seconds in model.durations_for(size):
            assert (
                validate(
                    model.key,
                    size,
                    seconds,
                    "A cup of coffee on a table.",
                    image_size=_frame(model),
                )
                == []
            )


@pytest.mark.parametrize("model", MODELS.values(), ids=list(MODELS))
def test_invalid_combinations_say_why(all_providers, model):
    size = model.sizes[0]
    bad_seconds = max(model.durations) + 7
    problems = validate(model.key, "123x45", bad_seconds, "ok prompt")
    assert "size" in fields(problems)
    assert any("choose one of" in p.message for p in problems)
    problems = validate(model.key, size, bad_seconds, "ok prompt", image_size=_frame(model))
    assert fields(problems) == {"seconds"}
    route = model.preferred_route()
    too_long = "x" * (route.prompt_max + 1)
    problems = validate(
        model.key, size, model.durations_for(size)[0], too_long, image_size=_frame(model)
    )
    assert fields(problems) == {"prompt"}
    assert f"at most {route.prompt_max}" in problems[0].message
    assert "empty" in validate(model.key, size, model.durations_for(size)[0], "  ")[0].message
    if not model.remix:
        assert "remix" in fields(
            validate(model.key, size, model.durations_for(size)[0], "ok", remix=True)
        )
    if "last" not in model.frames:
        assert "reference_image" in fields(
            validate(model.key, size, model.durations_for(size)[0], "ok", last_frame=True)
        )


def test_sora_needs_an_image_of_exactly_the_output_size(all_providers):
    assert validate("sora-2", "1280x720", 4, "ok", image_size=(1280, 720)) == []
    problems = validate("sora-2", "1280x720", 4, "ok", image_size=(1024, 1024))
    assert fields(problems) == {"reference_image"}
    assert "needs exactly 1280×720" in problems[0].message
    # Runware's models size the video from the image: any size is accepted.
    assert validate("kling-3-pro", "1920x1080", 5, "ok", image_size=(1024, 1024)) == []


def test_hailuo_1080p_is_six_seconds_only(all_providers):
    assert validate("hailuo-2.3", "1366x768", 10, "ok") == []
    assert fields(validate("hailuo-2.3", "1920x1080", 10, "ok")) == {"seconds"}


def test_unknown_model():
    assert validate("sora-3", "1280x720", 4, "ok")[0].field == "model_key"


def test_only_the_animatic_is_offered_without_keys(settings):
    settings.OPENAI_API_KEY = settings.RUNWARE_API_KEY = ""
    assert [m.key for m in catalog.offered_models()] == ["animatic"]
    problems = validate("veo-3.1", "1280x720", 4, "ok")
    assert "Needs RUNWARE_API_KEY" in problems[0].message


def test_retired_sora_is_only_offered_through_the_openai_contract(settings):
    settings.OPENAI_API_KEY = ""
    settings.RUNWARE_API_KEY = "rw-test"
    sora = MODELS["sora-2"]
    assert not sora.offered
    assert "removed the Videos API" in sora.unavailable_reason()
    assert "OPENAI_API_KEY" in sora.unavailable_reason()
    settings.OPENAI_API_KEY = "sk-test"
    assert sora.offered
    assert sora.preferred_route().provider == catalog.OPENAI
    assert [r.provider for r in sora.usable_routes()] == [catalog.OPENAI]
    # The live models stay on Runware.
    assert MODELS["veo-3.1-fast"].preferred_route().model_id == "google:3@3"


def test_the_animatic_accepts_everything_any_model_accepts():
    animatic = MODELS["animatic"]
    for model in MODELS.values():
        assert set(model.sizes) <= set(animatic.sizes)
        assert set(model.durations) <= set(animatic.durations)
    assert animatic.price_per_second("1280x720", True) == 0


def test_every_row_has_provenance():
    for model in MODELS.values():
        assert model.source and model.last_checked
        for route in model.routes:
            assert route.prompt_min >= 1 and route.prompt_max > route.prompt_min
        if not model.lifecycle.live:
            assert model.lifecycle.retired_on and model.lifecycle.reason


def test_prices_and_audio():
    assert MODELS["veo-3.1-fast"].price_per_second("1920x1080", audio=True) == Decimal("0.15")
    assert MODELS["veo-3.1-fast"].price_per_second("1920x1080", audio=False) == Decimal("0.10")
    assert MODELS["sora-2-pro"].price_per_second("1792x1024", audio=False) == Decimal("0.50")
    assert MODELS["luma-ray-3.2"].price_per_second("1080p", audio=False) is None
    assert MODELS["veo-3.1"].audio.parameter == "providerSettings.google.generateAudio"
    assert MODELS["seedance-2"].uses_resolution and MODELS["seedance-2"].audio.parameter == (
        "settings.audio"
    )
