"""A fake OpenAI-compatible Chat Completions server on 127.0.0.1 (POST /v1/chat/completions).

It checks what the studio sends (the key, the model, the messages, `response_format` with the
strict JSON schema) and answers by what the brief says:

- "good plan": a plan that fits;
- "wrong lengths": shots of lengths the model does not make, then (asked to repair) a fit;
- "always wrong": wrong lengths every time (the repair fails too);
- "missing fields": shots without their required fields, then a fit;
- "not json": prose, twice;
- "fenced": the good plan wrapped in a Markdown fence, as some gateways return it;
- "busy": 429 with Retry-After;
- "slow": an answer after the client's timeout;
- "deeply nested": JSON nested 20 000 levels deep (40 KB), every time;
- "control characters": the good plan with control characters and NUL in its text;
- "breaks: RULE once" / "breaks: RULE always": a plan that breaks one of the plan rules
  (studio.shots.plan_rules), then (asked to repair) the good plan, or every time: a banned
  word only in a super, in a spelling the brand kit does not use ("banned super"), only in the
  voice-over ("banned voice"), in a scene ("banned scene"); no shot naming the product ("no
  product"); the product only in the first shot ("product not last"); a total a whole shot
  past the running time ("off target").

Asked for one shot (the schema named "one_shot", "Draft this shot again"), it answers with one
shot, or, for "missing fields" (then a fit) and "always wrong", one without its fields.
"""

from __future__ import annotations

import json
import time

from tests.fakes.base import FakeServer, JSONHandler

API_KEY = "sk-fake-chat-key-0123456789"
MODEL = "planner-test-model"


def shot(title, seconds, **extra):
    body = {
        "title": title,
        "seconds": seconds,
        "scene": f"A sunlit kitchen; the Cold Brew can stands on oak for {title.lower()}.",
        "subject": "The Cold Brew can, beads of condensation on its side",
        "action": "The can turns slowly to show its label",
        "second_action": "",
        "end_frame": "the label faces the lens, centred",
        "camera_move": "slow push-in",
        "lighting": "soft window light from the left",
        "sound": "ice cracking, a quiet kitchen",
        "music": "soft acoustic guitar",
        "voiceover": "",
        "connected": False,
        "on_screen_text": "",
    }
    body.update(extra)
    return body


def plan(lengths):
    return {"shots": [shot(f"Shot {i + 1}", s) for i, s in enumerate(lengths)]}


GOOD = plan([4, 4, 4, 4, 4])
# The last shot has two beats (a timeline) and words for the screen; the second continues.
GOOD["shots"][-1].update(
    second_action="The can holds still in the centre of the frame",
    on_screen_text="Cold Brew. Smooth all day.",
)
GOOD["shots"][1]["connected"] = True
WRONG = plan([40, 40, 40])  # no model here makes 40 s


def _breaking(rule: str) -> dict:
    """The good plan with one rule broken."""
    answer = json.loads(json.dumps(GOOD))
    shots = answer["shots"]
    if rule == "banned super":
        shots[2]["on_screen_text"] = "Sugar free, all day"  # the kit bans "sugar-free"
    elif rule == "banned voice":
        shots[3]["voiceover"] = "Sugarfree and smooth."
    elif rule == "banned scene":
        shots[1]["scene"] = "A kitchen; two CHEAP cans on oak."  # the kit bans "cheap"
    elif rule in ("no product", "product not last"):
        for shot_ in shots[1:] if rule == "product not last" else shots:
            shot_["scene"] = shot_["scene"].replace("Cold Brew can", "can")
            shot_["subject"] = "The can, beads of condensation on its side"
            shot_["on_screen_text"] = ""
    elif rule == "off target":
        for shot_ in shots[:3]:
            shot_["seconds"] = 8  # 32 s for a running time of 20 s
    return answer


def _rule(brief: str) -> tuple[str, bool]:
    """(the rule the brief asks broken, whether always), or ("", False)."""
    if "breaks: " not in brief:
        return "", False
    said = brief.split("breaks: ", 1)[1]
    rule = said.removesuffix(" always").removesuffix(" once").strip()
    return rule, said.endswith("always")


DIRTY = json.loads(json.dumps(GOOD))
DIRTY["shots"][0].update(title="Cold\x01 open", scene="A sunlit\x00 kitchen\x1b[31m.")


class ChatHandler(JSONHandler):
    server_version = "FakeChat/1.0"

    def do_POST(self):
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        server.requests.append({"headers": dict(self.headers), "body": body})
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": {"message": "not found"}})
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._send(401, {"error": {"message": "bad key", "type": "invalid_request"}})
        problems = self._problems(body)
        if problems:
            return self._send(400, {"error": {"message": "; ".join(problems)}})
        if body["response_format"]["json_schema"]["name"] == "market_texts":
            return self._market_texts(body)
        brief = body["messages"][1]["content"]
        one = body["response_format"]["json_schema"]["name"] == "one_shot"
        repairing = len(body["messages"]) > (3 if one else 2)
        rule, always = _rule(brief)
        if rule and (always or not repairing):
            answer = _breaking(rule)
            return self._answer(json.dumps(answer["shots"][2] if one else answer))
        if one and "busy" not in brief:  # one row drafted again
            if "always wrong" in brief or ("missing fields" in brief and not repairing):
                return self._answer(json.dumps({"title": "Again", "seconds": 4}))
            return self._answer(json.dumps(shot("Drafted again", 6, action="The can tips")))
        if "busy" in brief:
            return self._send(
                429,
                {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}},
                headers={"Retry-After": "1"},
            )
        if "slow" in brief:
            time.sleep(server.slow_seconds)
            return self._answer(json.dumps(GOOD))
        if "deeply nested" in brief:
            return self._answer("[" * 20_000 + "]" * 20_000)
        if "control characters" in brief:
            return self._answer(json.dumps(DIRTY))
        if "not json" in brief:
            return self._answer("Here is a lovely plan: first the can, then the pour.")
        if "fenced" in brief:
            return self._answer("```json\n" + json.dumps(GOOD) + "\n```")
        if "always wrong" in brief:
            return self._answer(json.dumps(WRONG))
        if "wrong lengths" in brief and not repairing:
            return self._answer(json.dumps(WRONG))
        if "missing fields" in brief and not repairing:
            broken = {"shots": [{"title": "Shot 1", "seconds": 4}]}
            return self._answer(json.dumps(broken))
        return self._answer(json.dumps(GOOD))

    def _market_texts(self, body):
        """A market's texts "translated": each prefixed with the market's language; a text
        with "banned-test" in it keeps a banned word the first time (the repair round fixes
        it); "untranslatable" in any text answers prose every time."""
        system, asked = body["messages"][0]["content"], json.loads(body["messages"][1]["content"])
        language = system.split("(language ", 1)[1].split(")", 1)[0]
        if any("untranslatable" in a["text"] for a in asked):
            return self._answer("I would rather not.")
        repairing = len(body["messages"]) > 2
        texts = []
        for a in asked:
            said = f"[{language}] {a['text']}"[: a["max_characters"]]
            if "banned-test" in a["text"] and not repairing:
                said = f"[{language}] billig"
            texts.append({"item": a["item"], "text": said})
        return self._answer(json.dumps({"texts": texts}, ensure_ascii=False))

    def _problems(self, body) -> list[str]:
        problems = []
        if body.get("model") != MODEL:
            problems.append(f"unknown model {body.get('model')!r}")
        messages = body.get("messages") or []
        if not messages or messages[0].get("role") != "system" or len(messages) < 2:
            problems.append("messages must start with a system and a user message")
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema") or {}
        if fmt.get("type") != "json_schema" or not fmt["json_schema"].get("strict"):
            problems.append("response_format must be a strict json_schema")
        elif schema.get("additionalProperties") is not False or {
            "one_shot": "title",
            "market_texts": "texts",
        }.get(fmt["json_schema"].get("name"), "shots") not in schema.get("required", []):
            problems.append("the schema must be strict (required, no additional properties)")
        return problems

    def _answer(self, content: str):
        return self._send(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": MODEL,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            },
        )


class ChatFake(FakeServer):
    def __init__(self, slow_seconds: float = 3.0):
        super().__init__(ChatHandler)
        self.server.requests = []
        self.server.slow_seconds = slow_seconds

    @property
    def requests(self) -> list[dict]:
        return self.server.requests
