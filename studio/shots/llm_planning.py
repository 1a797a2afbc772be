"""From brief to shot plan with a language model: an OpenAI-compatible Chat Completions
endpoint (`STUDIO_LLM_BASE_URL`, `STUDIO_LLM_API_KEY`, `STUDIO_LLM_MODEL`: OpenAI, a gateway,
a local Ollama or vLLM) asked for structured output with a strict JSON schema.

Gateways drop `response_format` without a word, so the answer is always validated again: by
the schema (pydantic) and by the plan rules every plan meets (studio.shots.plan_rules: lengths
the model makes, the running time, the prompt lint, the product named, no banned word in a
prompt, a super or the voice-over). One repair round sends the problems back; then a clear
error, and the page keeps what the person typed. The key goes only to the configured host
(the openai client's Authorization header) and never into a page, a log or a task payload."""

from __future__ import annotations

import json
import re

import httpx
import openai
from django.conf import settings
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generation import text
from generation.prompts.beats import with_beats
from generation.prompts.structure import BrandKit, empty_prompt
from studio.shots.brief import Names, read_brief
from studio.shots.plan_rules import Rules
from studio.shots.planning import MAX_SHOTS, Plan, ShotDraft, linked


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


def _instructions(rules: Rules, names: Names) -> str:
    said = [f"The product is “{names.product}”: call it exactly that."]
    if names.tagline:
        said.append(f"The tagline is “{names.tagline}”.")
    if names.call:
        said.append(f"The call to action is “{names.call}”.")
    return (
        "You plan the shots of a short commercial video made by an AI video model. Answer "
        "with JSON only, in the schema given. Film the brief's own story: its moments in its "
        "order, one continuous shot where it asks for one; where it tells no story: a hook, "
        "the product, its claims, an end on the product. Each shot: exactly one camera "
        "movement and one subject action; concrete visual detail (materials, light, colour), "
        "not adjectives; the light the brief's time and weather ask for; the sound described, "
        "with the brief's sound cues; a second action only where the shot needs two beats; "
        "the frame each shot ends on; a shot that continues the one before is connected. "
        "The brief's quoted lines are kept word for word: its voice-over in voiceover, the "
        "line it ends on in the last shot's on_screen_text; a voice-over only where the brief "
        "has one. on_screen_text is a short line for the viewer (a claim, the tagline, the "
        "call to action), never an instruction from the brief, and it is added in the edit, "
        "never drawn by the model (no captions or logos in the picture); no real people or "
        "brands other than the client's. "
        + " ".join(said)
        + " "
        + rules.instructions()
        + f" Palette: {rules.brand.palette or 'free'}."
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


def check(answer_text: str, rules: Rules):
    """(drafts, problems) of an answer: the schema first, then the plan rules."""
    try:
        answer = ShotPlanAnswer.model_validate_json(_json_of(answer_text))
    except ValidationError as error:
        return [], _schema_problems(error)
    except ValueError:
        return [], ["The answer is not JSON."]
    drafts = linked([_draft(s, rules.brand) for s in answer.shots])
    return drafts, rules.broken(drafts)


def check_one(answer_text: str, drafts: list[ShotDraft], index: int, rules: Rules):
    """(draft, problems) of an answer for row `index`, at the length it must keep: what the
    new shot breaks of the plan's rules (not what the rest of the plan already broke)."""
    try:
        shot = PlannedShot.model_validate_json(_json_of(answer_text))
    except ValidationError as error:
        return None, _schema_problems(error)
    except ValueError:
        return None, ["The answer is not JSON."]
    shot.seconds = drafts[index].seconds  # the row's length stays what the plan has
    draft = _draft(shot, rules.brand)
    before = set(rules.broken(drafts))
    after = rules.broken(linked([*drafts[:index], draft, *drafts[index + 1 :]]))
    return draft, [p for p in after if p not in before]


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


def plan_shots(brief: str, rules: Rules, names: Names) -> Plan:
    """The language model's plan, checked by the plan rules; one repair round at most.
    Raises PlanningError."""
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": _instructions(rules, names)},
        {"role": "user", "content": f"The brief:\n{brief}"},
    ]
    drafts = _asked(messages, lambda answer: check(answer, rules), response_format())
    return Plan(drafts, read_brief(brief, names), rules.model, rules.size, rules.target)


def draft_one(
    brief: str, drafts: list[ShotDraft], index: int, rules: Rules, names: Names
) -> ShotDraft:
    """Row `index` of the plan drafted again by the language model, its length kept, the
    rest of the plan told for context. Raises PlanningError."""
    seconds = drafts[index].seconds
    plan = "\n".join(
        f"{n}. {d.title} ({d.seconds} s): {d.prompt['scene']}" for n, d in enumerate(drafts, 1)
    )
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": _instructions(rules, names)},
        {"role": "user", "content": f"The brief:\n{brief}"},
        {
            "role": "user",
            "content": f"The plan so far:\n{plan}\n\nDraft shot {index + 1} again, differently, "
            f"as one shot of {seconds} s that fits between the shots around it.",
        },
    ]
    return _asked(
        messages,
        lambda answer: check_one(answer, drafts, index, rules),
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
