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

from generation import catalog
from generation.prompts.structure import BrandKit, empty_prompt
from studio.shots.planning import MAX_SHOTS, Plan, ShotDraft, problems, read_brief


class PlanningError(Exception):
    """Why the language model gave no usable plan, in words for the person."""


class PlannedShot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=160)
    seconds: int = Field(ge=1, le=60)
    scene: str = Field(min_length=1, max_length=1000)
    subject: str = Field(max_length=300)
    action: str = Field(max_length=300, description="One subject action")
    camera_move: str = Field(max_length=120, description="One camera movement")
    lighting: str = Field(max_length=200)
    sound: str = Field(max_length=300, description="Sound effects and ambience")
    music: str = Field(max_length=200)
    voiceover: str = Field(max_length=300, description="A voice-over line, or empty")
    connected: bool = Field(description="Starts exactly where the shot before ended")


class ShotPlanAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shots: list[PlannedShot] = Field(min_length=1, max_length=MAX_SHOTS)


def configured() -> bool:
    return bool(settings.STUDIO_LLM_BASE_URL and settings.STUDIO_LLM_MODEL)


def response_format() -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "shot_plan",
            "strict": True,
            "schema": ShotPlanAnswer.model_json_schema(),
        },
    }


def _instructions(target: int, allowed: list[int], brand: BrandKit) -> str:
    banned = ", ".join(brand.banned_words) or "none"
    return (
        "You plan the shots of a short commercial video made by an AI video model. Answer "
        "with JSON only, in the schema given. Structure: a hook, the product, its benefits, a "
        "call to action. Each shot: exactly one camera movement and one subject action; "
        "concrete visual detail (materials, light, colour), not adjectives; the sound "
        "described; no on-screen text, captions or logos drawn by the model; no real people "
        "or brands other than the client's. "
        f"Each shot's seconds must be one of {allowed}; the seconds of all shots must add up "
        f"to {target} (within {max(allowed)}). "
        f"Palette: {brand.palette or 'free'}. Never use these words: {banned}."
    )


def _draft(shot: PlannedShot, brand: BrandKit) -> ShotDraft:
    prompt = empty_prompt()
    prompt["scene"] = shot.scene
    prompt["subject"] = shot.subject
    prompt["beats"] = [shot.action] if shot.action else []
    prompt["camera"]["movement"] = shot.camera_move
    prompt["lighting"]["direction"] = shot.lighting
    prompt["audio"]["sfx"] = shot.sound
    prompt["audio"]["music"] = shot.music
    if shot.voiceover:
        prompt["audio"]["dialogue"] = [
            {"speaker": "Voice-over", "line": shot.voiceover, "emotion": ""}
        ]
    prompt["style"]["palette"] = brand.palette
    return ShotDraft("", shot.title, shot.seconds, prompt, shot.connected)


def check(answer_text: str, target: int, model, size: str, brand: BrandKit):
    """(drafts, problems) of an answer: the schema first, then the studio's rules."""
    try:
        answer = ShotPlanAnswer.model_validate_json(_json_of(answer_text))
    except ValidationError as error:
        said = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:8]]
        return [], ["The answer does not follow the schema: " + "; ".join(said)]
    except ValueError:
        return [], ["The answer is not JSON."]
    allowed = list(model.durations_for(size) or model.durations)
    found = []
    drafts = [_draft(s, brand) for s in answer.shots]
    for number, draft in enumerate(drafts, start=1):
        if draft.seconds not in allowed:
            found.append(f"Shot {number} is {draft.seconds} s; {model.label} makes {allowed} s.")
        for problem in problems(draft, model, size, brand):
            found.append(f"Shot {number}: {problem}")
    total = sum(d.seconds for d in drafts)
    if abs(total - target) > max(allowed):
        found.append(f"The shots add up to {total} s; the target is {target} s.")
    return drafts, found


def _json_of(text: str) -> str:
    """The JSON of an answer, also when a gateway wrapped it in a Markdown fence."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    json.loads(text)  # ValueError when it is not JSON at all
    return text


def plan_shots(
    brief: str, target: int, model_key: str, size: str, brand: BrandKit, fallback: str = ""
) -> Plan:
    """The language model's plan, validated; one repair round at most. Raises PlanningError."""
    model = catalog.require(model_key)
    allowed = list(model.durations_for(size) or model.durations)
    client = openai.OpenAI(
        base_url=settings.STUDIO_LLM_BASE_URL,
        api_key=settings.STUDIO_LLM_API_KEY or "none",  # a local server may need no key
        timeout=settings.STUDIO_LLM_TIMEOUT,
        max_retries=1,  # a 429 is waited out once (its Retry-After), then said
    )
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": _instructions(target, allowed, brand)},
        {"role": "user", "content": f"The brief:\n{brief}"},
    ]
    found: list[str] = []
    for attempt in range(2):
        text = _ask(client, messages)
        drafts, found = check(text, target, model, size, brand)
        if not found:
            return Plan(drafts, read_brief(brief, fallback), model, size, target)
        if attempt == 0:
            messages += [
                {"role": "assistant", "content": text},
                {
                    "role": "user",
                    "content": "These problems must be fixed; answer again with the whole plan:\n- "
                    + "\n- ".join(found),
                },
            ]
    raise PlanningError(
        "The language model's plan did not fit, even after it was asked to correct it: "
        + "; ".join(found[:3])
        + ". Try again, change the brief, or use the built-in planner."
    )


def _ask(client: openai.OpenAI, messages: list[ChatCompletionMessageParam]) -> str:
    try:
        answer = client.chat.completions.create(
            model=settings.STUDIO_LLM_MODEL,
            messages=messages,
            response_format=response_format(),
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
