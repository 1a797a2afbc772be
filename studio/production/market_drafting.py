"""A market's texts drafted by the language model (issue 38, point 1), where one is configured
(`STUDIO_LLM_*`, as the planner's): told the market's language, its banned words and the
brand's, the characters each text may have and the seconds each voice-over line may last;
its answer is checked against the same rules a person's edit is (one repair round), and used
only when every text passes. Offline, or when it fails, the master's texts are copied and
marked "to translate" (studio/production/market_texts.py)."""

from __future__ import annotations

import json

from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generation import text
from studio.shots import llm_planning
from studio.shots.llm_planning import PlanningError

__all__ = ["PlanningError", "configured", "drafted"]


class DraftedText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str = Field(max_length=40, description="The item's key, exactly as given")
    text: str = Field(max_length=300, description="The text in the market's language")


class DraftedTexts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    texts: list[DraftedText] = Field(max_length=200)


def configured() -> bool:
    return llm_planning.configured()


def drafted(market, items, problems) -> dict[str, str]:
    """The market's texts by item, drafted by the language model and checked by `problems`
    (market, item, text) → [what is wrong]. Raises PlanningError."""
    words = [*market.banned(), *market.campaign.banned_words()]
    asked = [
        {"item": i.key, "text": i.master, "max_characters": i.limit, "seconds": i.window or None}
        for i in items
        if i.master
    ]
    messages: list[ChatCompletionMessageParam] = [
        {
            "role": "system",
            "content": (
                f"You adapt an advertisement's texts for the market {market.code} (language "
                f"{market.language}): the supers on screen, the voice-over lines and the end "
                "card's words. Keep the meaning and the tone; keep brand and product names as "
                "they are. Each text must have at most its max_characters; a voice-over line "
                "must be read aloud within its seconds (about 15 characters a second). "
                + (f"Never use these words: {', '.join(words)}. " if words else "")
                + "Answer with every item, its key unchanged."
            ),
        },
        {"role": "user", "content": json.dumps(asked, ensure_ascii=False)},
    ]
    known = {i.key: i for i in items if i.master}

    def checked(answer: str) -> tuple[dict[str, str], list[str]]:
        try:
            parsed = DraftedTexts.model_validate(text.loads(answer))
        except (ValidationError, ValueError) as error:
            return {}, [f"The answer is not the asked JSON: {str(error)[:200]}"]
        found = {t.item: text.line(t.text) for t in parsed.texts if t.item in known}
        said = [f"Item {key} is missing." for key in known if key not in found]
        for key, value in found.items():
            said += [f"{key}: {p}" for p in problems(market, known[key], value)]
        return found, said

    return llm_planning._asked(
        messages, checked, llm_planning.response_format(DraftedTexts, "market_texts")
    )
