"""From brief to shot plan with a language model: an OpenAI-compatible Chat Completions
endpoint (`STUDIO_LLM_BASE_URL`, `STUDIO_LLM_API_KEY`, `STUDIO_LLM_MODEL`: OpenAI, a gateway,
a local Ollama or vLLM) asked for structured output with a strict JSON schema.

Gateways drop `response_format` without a word, so the answer is always validated again: by
the schema (pydantic) and by the studio's own rules (lengths the model makes, adding up to the
target within one shot's length; every shot through the prompt lint; the brand's banned words).
One repair round sends the problems back; then a clear error, and the page keeps what the
person typed. The key goes only to the configured host (the openai client's Authorization
header) and never into a page, a log or a task payload."""

from __future__ import annotations

import json
import re

import httpx
import openai
from django.conf import settings
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generation import catalog, text
from generation.prompts.beats import with_beats
from generation.prompts.structure import BrandKit, empty_prompt
from studio.shots.brief import read_brief
from studio.shots.planning import MAX_SHOTS, Plan, ShotDraft, linked, problems


class PlanningError(Exception):
    """Why the language model gave no usable plan, in words for the person."""


class PlannedShot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=160)
    seconds: int = Field(ge=1, le=60)
    scene: str = Field(min_length=1, max_length=1000)
    subject: str = Field(max_length=300)
    action: str = Field(max_length=300, description="One subject action")
    second_action: str = Field(
        max_length=300, description="A second beat after the first (a timeline), or empty"
    )
    end_frame: str = Field(max_length=300, description="The frame the shot ends on")
    camera_move: str = Field(max_length=120, description="One camera movement")
    lighting: str = Field(max_length=200)
    sound: str = Field(max_length=300, description="Sound effects and ambience")
    music: str = Field(max_length=200)
    voiceover: str = Field(max_length=300, description="A voice-over line, or empty")
    connected: bool = Field(description="Starts exactly where the shot before ended")
    on_screen_text: str = Field(
        max_length=200, description="Words for the screen, added in the edit, or empty"
    )


class ShotPlanAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shots: list[PlannedShot] = Field(min_length=1, max_length=MAX_SHOTS)


def configured() -> bool:
    return bool(settings.STUDIO_LLM_BASE_URL and settings.STUDIO_LLM_MODEL)


def response_format(
    schema: type[BaseModel] = ShotPlanAnswer, name: str = "shot_plan"
) -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "strict": True, "schema": schema.model_json_schema()},
    }


def _instructions(target: int, allowed: list[int], brand: BrandKit) -> str:
    banned = ", ".join(brand.banned_words) or "none"
    return (
        "You plan the shots of a short commercial video made by an AI video model. Answer "
        "with JSON only, in the schema given. Structure: a hook, the product, its benefits, a "
        "call to action. Each shot: exactly one camera movement and one subject action; "
        "concrete visual detail (materials, light, colour), not adjectives; the sound "
        "described; a second action only where the shot needs two beats; the frame each shot "
        "ends on; a shot that continues the one before is connected; words for the screen go "
        "in on_screen_text, never in the picture (no captions or logos drawn by the model); no "
        "real people or brands other than the client's. "
        f"Each shot's seconds must be one of {allowed}; the seconds of all shots must add up "
        f"to {target} (within {max(allowed)}). "
        f"Palette: {brand.palette or 'free'}. Never use these words: {banned}."
    )


def _draft(shot: PlannedShot, brand: BrandKit) -> ShotDraft:
    prompt = empty_prompt()
    prompt["scene"] = shot.scene
    prompt["subject"] = shot.subject
    prompt["lighting"]["direction"] = shot.lighting
    prompt["audio"]["sfx"] = shot.sound
    prompt["audio"]["music"] = shot.music
    if shot.voiceover:
        prompt["audio"]["dialogue"] = [
            {"speaker": "Voice-over", "line": shot.voiceover, "emotion": ""}
        ]
    prompt["style"]["palette"] = brand.palette
    end = f" END: {shot.end_frame}" if shot.end_frame.strip() else ""
    first = f"{shot.action.strip().rstrip('.')}.{end}" if shot.action.strip() else ""
    beats = [first, shot.second_action] if shot.second_action.strip() else [first]
    prompt = with_beats(prompt, beats, shot.camera_move, shot.seconds)
    return ShotDraft("", shot.title, shot.seconds, prompt, shot.connected, shot.on_screen_text)


def _schema_problems(error: ValidationError) -> list[str]:
    said = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:8]]
    return ["The answer does not follow the schema: " + "; ".join(said)]


def _shot_problems(number: int, draft: ShotDraft, model, size: str, brand: BrandKit) -> list:
    allowed = list(model.durations_for(size))
    found = []
    if draft.seconds not in allowed:
        found.append(f"Shot {number} is {draft.seconds} s; {model.label} makes {allowed} s.")
    for problem in problems(draft, model, size, brand):
        found.append(f"Shot {number}: {problem}")
    return found


def check(answer_text: str, target: int, model, size: str, brand: BrandKit):
    """(drafts, problems) of an answer: the schema first, then the studio's rules."""
    try:
        answer = ShotPlanAnswer.model_validate_json(_json_of(answer_text))
    except ValidationError as error:
        return [], _schema_problems(error)
    except ValueError:
        return [], ["The answer is not JSON."]
    allowed = list(model.durations_for(size))
    drafts = linked([_draft(s, brand) for s in answer.shots])
    found = [
        problem
        for number, draft in enumerate(drafts, start=1)
        for problem in _shot_problems(number, draft, model, size, brand)
    ]
    total = sum(d.seconds for d in drafts)
    if abs(total - target) > max(allowed):
        found.append(f"The shots add up to {total} s; the target is {target} s.")
    return drafts, found


def check_one(answer_text: str, number: int, seconds: int, model, size: str, brand: BrandKit):
    """(draft, problems) of an answer for one shot, at the length it must keep."""
    try:
        shot = PlannedShot.model_validate_json(_json_of(answer_text))
    except ValidationError as error:
        return None, _schema_problems(error)
    except ValueError:
        return None, ["The answer is not JSON."]
    shot.seconds = seconds  # the row's length stays what the plan has
    draft = _draft(shot, brand)
    return draft, _shot_problems(number, draft, model, size, brand)


def _json_of(answer: str) -> str:
    """The JSON of an answer, also when a gateway wrapped it in a Markdown fence, its text
    cleaned as the studio cleans what anyone types. ValueError when it is not JSON at all, or
    nested deeper than the studio reads."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", answer, re.S)
    if fenced:
        answer = fenced.group(1)
    return json.dumps(text.strings(text.loads(answer)))


def _client() -> openai.OpenAI:
    return openai.OpenAI(
        base_url=settings.STUDIO_LLM_BASE_URL,
        api_key=settings.STUDIO_LLM_API_KEY or "none",  # a local server may need no key
        timeout=settings.STUDIO_LLM_TIMEOUT,
        max_retries=1,  # a 429 is waited out once (its Retry-After), then said
    )


def _asked(messages: list[ChatCompletionMessageParam], checked, fmt: ResponseFormatJSONSchema):
    """The first answer `checked` finds no problem in: asked once, repaired once at most.
    `checked(answer)` returns (result, problems). Raises PlanningError."""
    client = _client()
    found: list[str] = []
    for attempt in range(2):
        answer = _ask(client, messages, fmt)
        result, found = checked(answer)
        if not found:
            return result
        if attempt == 0:
            messages = [
                *messages,
                {"role": "assistant", "content": answer},
                {
                    "role": "user",
                    "content": "These problems must be fixed; answer again in full:\n- "
                    + "\n- ".join(found),
                },
            ]
    raise PlanningError(
        "The language model's plan did not fit, even after it was asked to correct it: "
        + "; ".join(found[:3])
        + ". Try again, change the brief, or use the built-in planner."
    )


def plan_shots(
    brief: str, target: int, model_key: str, size: str, brand: BrandKit, fallback: str = ""
) -> Plan:
    """The language model's plan, validated; one repair round at most. Raises PlanningError."""
    model = catalog.require(model_key)
    allowed = list(model.durations_for(size))
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": _instructions(target, allowed, brand)},
        {"role": "user", "content": f"The brief:\n{brief}"},
    ]
    drafts = _asked(
        messages, lambda answer: check(answer, target, model, size, brand), response_format()
    )
    return Plan(drafts, read_brief(brief, fallback), model, size, target)


def draft_one(
    brief: str, drafts: list[ShotDraft], index: int, model_key: str, size: str, brand: BrandKit
) -> ShotDraft:
    """Row `index` of the plan drafted again by the language model, its length kept, the
    rest of the plan told for context. Raises PlanningError."""
    model = catalog.require(model_key)
    allowed = list(model.durations_for(size))
    seconds, total = drafts[index].seconds, sum(d.seconds for d in drafts)
    plan = "\n".join(
        f"{n}. {d.title} ({d.seconds} s): {d.prompt['scene']}" for n, d in enumerate(drafts, 1)
    )
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": _instructions(total, allowed, brand)},
        {"role": "user", "content": f"The brief:\n{brief}"},
        {
            "role": "user",
            "content": f"The plan so far:\n{plan}\n\nDraft shot {index + 1} again, differently, "
            f"as one shot of {seconds} s that fits between the shots around it.",
        },
    ]
    return _asked(
        messages,
        lambda answer: check_one(answer, index + 1, seconds, model, size, brand),
        response_format(PlannedShot, "one_shot"),
    )


def _ask(
    client: openai.OpenAI,
    messages: list[ChatCompletionMessageParam],
    fmt: ResponseFormatJSONSchema,
) -> str:
    try:
        answer = client.chat.completions.create(
            model=settings.STUDIO_LLM_MODEL,
            messages=messages,
            response_format=fmt,
            temperature=0.4,
        )
    except openai.RateLimitError as error:
        wait = error.response.headers.get("retry-after", "")
        raise PlanningError(
            "The language model is busy (it answered 429)"
            + (f"; it asks to wait {wait} s" if wait else "")
            + ". Your brief is kept: try again in a moment, or use the built-in planner."
        ) from None
    except (openai.APITimeoutError, httpx.TimeoutException):
        raise PlanningError(
            f"The language model did not answer within {settings.STUDIO_LLM_TIMEOUT:g} s. "
            "Your brief is kept: try again, or use the built-in planner."
        ) from None
    except openai.APIConnectionError:
        raise PlanningError(
            "The language model could not be reached at the configured address. "
            "Use the built-in planner, or ask an operator to check STUDIO_LLM_BASE_URL."
        ) from None
    except openai.APIStatusError as error:
        raise PlanningError(
            f"The language model refused the request ({error.status_code}). "
            "Use the built-in planner, or try again."
        ) from None
    choice = answer.choices[0] if answer.choices else None
    return (choice.message.content or "") if choice else ""
