"""What a brief says, read from its words for the offline planner (studio.shots.story drafts
the shots from it): the moments it describes, in its order (the beats); its own lines, kept as
written (the voice-over, the line it ends on); its sound and music; the light its time of day
and weather ask for; the product's claims (for supers); the audience and the setting.

The product, its tagline and the call to action are the campaign's (its form names them): the
brief is never searched for a product name. Nothing is invented that the brief contradicts;
what it does not say is left empty. A brief's instructions ("End on the shoe", "Keep it
warm") are read, never filmed or put on screen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.shots import look as looks
from studio.shots.words import (
    CLAIM_LEADS,
    LEAD_INS,
    MARKETING,
    MUSIC_WORDS,
    SOUND_WORDS,
    VERB_FORMS,
    clean,
    has_action,
    sentences,
    split_list,
    with_subjects,
    without_product,
    written,
)


@dataclass
class Names:
    """What the campaign names: its product, and the tagline and call to action if it has."""

    product: str
    tagline: str = ""
    call: str = ""


@dataclass
class BriefFacts:
    """What the brief says, for the planner."""

    product: str
    tagline: str = ""
    call: str = ""
    audience: str = ""
    setting: str = ""
    mood: str = ""
    look: looks.Look = field(default_factory=looks.Look)
    beats: list[str] = field(default_factory=list)  # the moments to film, in order
    voiceover: list[str] = field(default_factory=list)  # the brief's voice-over, as written
    end_line: str = ""  # "end on the line '…'": the last shot's super
    one_take: bool = False  # "one continuous shot": one shot
    macro: bool = False  # the brief asks for macro
    last_super: str = ""  # a script's last SUPER, and how many moments came before it
    last_super_after: int = 0
    sounds: list[tuple[int, str]] = field(default_factory=list)  # (beats before it, the cue)
    music: str = ""
    claims: list[str] = field(default_factory=list)  # the product's claims, for supers

    @property
    def benefits(self) -> list[str]:  # the supers' old name
        return self.claims


# Labels a brief's lines start with ("Voice-over: …"), each read as what it names.
LABELS = [
    ("story", r"story(?:line)?|scenes?|beats?|narrative|sequence|shots?|script|treatment"),
    ("voiceover", r"voice[\s-]?over|vo|v\.o\.|narration|narrator"),
    ("end_line", r"end(?:ing)?\s+line|end\s+super|sign[\s-]?off|closing\s+line"),
    ("super", r"supers?|on[\s-]screen(?:\s+text)?|text\s+on\s+screen|title\s+card|card"),
    ("tagline", r"tag\s?line|slogan|strap\s?line"),
    ("call", r"call\s+to\s+action|cta"),
    ("music", r"music|soundtrack|score|track"),
    ("sound", r"sound(?:s|\s+design)?|sfx|audio"),
    ("mood", r"mood|tone|feel|look|style|vibe"),
    ("setting", r"setting|location|where|place"),
    ("audience", r"audience|target(?:\s+audience)?|for|who"),
    (
        "claims",
        r"claims?|benefits?|key\s+messages?|messages?|features?|usps?|proof\s+points?|"
        r"selling\s+points?|reasons?\s+to\s+believe",
    ),
    (
        "ignore",
        r"product|brand|client|legal|mandatory|mandatories|avoid|don'?t|do\s+not|no|"
        r"length|duration|running\s+time|formats?|deliverables?|channels?|aspect|budget|notes?|"
        r"deadline|objective|goal|kpi",
    ),
]
_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][\w .'/-]{0,30}?)\s*:\s*(?P<rest>.*)$", re.S)
_QUOTE = re.compile(
    r"“([^”]{1,300})”|\"([^\"]{1,300})\"|‘([^’]{1,300})’|(?<!\w)'([^']{1,300})'(?!\w)"
)
_END_ON = re.compile(r"^(?:and\s+)?(?:end|finish|close|sign\s+off)s?\s+(?:on|with)\b", re.I)
_ONE_TAKE = re.compile(
    r"\b(?:one|a|single|1)[\s-]+(?:(?:continuous|unbroken|uncut|single|long|slow)[\s-]+)+"
    r"(?:(?:[a-z]+)[\s-]+)?(?:shot|take)\b|\bone[\s-]take\b|\boner\b",
    re.I,
)
_ABOUT = re.compile(
    r"\b(?:film|video|spot|ad|story|commercial)\s+(?:that|which|where|in\s+which|about|of)\s+"
    r"(?:follows?\s+|shows?\s+)?(?P<rest>.+)",
    re.I,
)
_AUDIENCE = re.compile(
    r"\b(?:for|aimed at|targeting|made for)\s+(?P<a>(?:[a-z][\w-]*\s?){1,5}?)"
    r"(?=[.,;:!?]|\s+(?:who|that|in|at|on|with)\b|$)",
    re.I,
)
SETTING = re.compile(
    r"\b(?:in|at|on|inside)\s+(?P<s>(?:a|an|the)\s+(?:[\w'-]+\s?){1,4}?)"
    r"(?=[.,;:!?]|\s+(?:for|with|who|that|and|as|while|when|where)\b|$)",
    re.I,
)


def read_brief(brief: str, names: Names) -> BriefFacts:
    """What `brief` says, for a campaign that names `names`."""
    facts = BriefFacts(product=names.product, tagline=names.tagline, call=names.call)
    quotes: list[str] = []

    def protect(found: re.Match) -> str:  # a quoted line is one piece whatever it holds
        quotes.append(next(g for g in found.groups() if g is not None).strip())
        return f"⟦{len(quotes) - 1}⟧"

    protected = _QUOTE.sub(protect, brief)
    # A quoted line that ends its sentence ends the statement too.
    protected = re.sub(
        r"⟦(\d+)⟧\s+(?=[A-Z])",
        lambda m: m.group(0) if quotes[int(m.group(1))][-1:] not in ".!?" else f"{m.group(0)}\n",
        protected,
    )
    for statement in _statements(protected):
        _read(statement, facts, quotes)
    facts.beats = list(dict.fromkeys(with_subjects(facts.beats)))  # a moment said twice: once
    facts.mood = facts.mood or looks.mood_of(re.sub(r"⟦\d+⟧", "", protected))
    facts.macro = bool(re.search(r"\bmacro\b", brief, re.I))
    # The light the brief's own words ask for: not its lines', nor the product's ("protein bar").
    facts.look = looks.of(
        without_product(re.sub(r"⟦\d+⟧", "", protected), names.product), facts.mood
    )
    if facts.last_super and facts.last_super_after == len(facts.beats) and not facts.end_line:
        facts.end_line = facts.last_super  # the script ends on it
        facts.claims = [c for c in facts.claims if c != facts.last_super]
    facts.claims = list(dict.fromkeys(c for c in facts.claims if c))
    return facts


_OWN = re.compile(r"⟦|^\s*(?:end|finish|close|open|cut|show|(?:start|begin)\s+(?:on|with))\b", re.I)
_LINES = {"super", "tagline", "end_line", "call"}  # a line's words run on whatever they say
_NOTES = {"music", "sound", "claims"}  # a note's run on while they show nothing happening


def _statements(brief: str) -> list[str]:
    """The brief's sentences, a labelled line's later sentences kept with its label where they
    say nothing of their own ("SUPER: Crunchy Flakes. Start bright.")."""
    found: list[str] = []
    for line in brief.splitlines():
        runs_on = ""  # a label runs on within its line only
        for sentence in sentences(line):
            kind, _ = _label(sentence)
            own = bool(kind or _OWN.search(sentence))
            if runs_on in _NOTES:
                own = own or has_action(sentence)
            if runs_on and not own:
                found[-1] = f"{found[-1]} {sentence}"
                continue
            runs_on = kind if kind in _LINES | _NOTES else ""
            found.append(sentence)
    return found


def _restore(text: str, quotes: list[str]) -> str:
    return re.sub(r"⟦(\d+)⟧", lambda m: quotes[int(m.group(1))], text)


def _label(statement: str) -> tuple[str, str]:
    found = _LABEL.match(statement)
    if not found:
        return "", statement
    label = re.sub(r"\s*\d+[a-z]?$", "", found.group("label").strip().lower())  # "scene 2"
    for kind, pattern in LABELS:
        if re.fullmatch(pattern, label):
            return kind, found.group("rest").strip()
    if re.search(r"\b(?:film|spot|video|story|ad|commercial|idea|concept)\b", label):
        return "story", found.group("rest").strip()
    return "", statement


def _read(statement: str, facts: BriefFacts, quotes: list[str]) -> None:
    kind, rest = _label(statement)
    lines = [quotes[int(n)] for n in re.findall(r"⟦(\d+)⟧", rest)]
    said = _restore(rest, quotes)
    if kind == "story":
        facts.beats += [_beat(b) for b in split_list(said) if _beat(b)]
    elif kind == "voiceover":
        facts.voiceover += lines or [written(said)]
    elif kind == "end_line":
        facts.end_line = (lines or [written(said)])[0]
    elif kind == "super":  # a script's SUPER: a super, the last one the line it ends on
        facts.claims += lines or [written(said)]
        facts.last_super = (lines or [written(said)])[-1]
        facts.last_super_after = len(facts.beats)
    elif kind == "tagline":
        facts.tagline = facts.tagline or (lines or [written(said)])[0]
    elif kind == "call":
        facts.call = facts.call or (lines or [clean(said)])[0]
    elif kind == "music":
        facts.music = clean(said)
    elif kind == "sound":
        facts.sounds.append((len(facts.beats), clean(said)))
    elif kind == "mood":
        facts.mood = facts.mood or looks.mood_of(said)
    elif kind == "setting":
        facts.setting = clean(said)
    elif kind == "audience":
        facts.audience = clean(said)
    elif kind == "claims":
        facts.claims += [c for c in (_claim(p) for p in split_list(said)) if c]
    elif kind != "ignore":
        _read_unlabelled(said, lines, facts)


def _read_unlabelled(said: str, lines: list[str], facts: BriefFacts) -> None:
    lowered = said.lower()
    if lines:  # a quoted line: the voice-over, the line it ends on, or a super
        if re.search(r"\b(?:voice[\s-]?over|vo|narrat\w*|says?|said|whispers?)\b", lowered):
            facts.voiceover += lines
        elif _END_ON.search(said) or re.search(r"\b(?:end|last|final|closing)\b", lowered):
            facts.end_line = lines[-1]
        elif re.search(r"\b(?:tag\s?line|slogan)\b", lowered):
            facts.tagline = facts.tagline or lines[0]
        else:
            facts.end_line = facts.end_line or lines[-1]
        for line in lines:  # what the sentence says besides its lines may be a moment
            said = said.replace(line, " ")
        said = clean(re.sub(r"[“”\"‘’']{2,}|^[“”\"‘’']|[“”\"‘’']$", " ", said))
        if not has_action(said) or _END_ON.search(said):
            return
        lowered = said.lower()
    take = _ONE_TAKE.search(said)
    if take:
        facts.one_take = True
        after = said.split(":", 1)[1] if ":" in said else said[take.end() :]
        facts.beats += [_beat(b) for b in split_list(after) if _beat(b)]
        return
    if _END_ON.search(said):
        ending = _beat(_END_ON.sub("", said))
        product = facts.product.lower()
        if ending and product not in ending.lower() and has_action(ending):
            facts.beats.append(ending)  # "End on the friends laughing": the last moment
        return  # "End on the shoe": the last shot is the product's anyway
    if re.search(SOUND_WORDS, lowered):
        if re.search(MUSIC_WORDS, lowered) and not re.search(r"\bnoise|silen|quiet", lowered):
            facts.music = facts.music or clean(said)
        else:
            facts.sounds.append((len(facts.beats), clean(said)))
        return
    about = _ABOUT.search(said)
    names_it = facts.product.lower() in lowered and not has_action(
        without_product(said, facts.product)
    )
    if re.search(MARKETING, lowered) or names_it:  # "Splitly, the bill-splitting app."
        _read_framing(said, facts)
        if about and has_action(about.group("rest")):
            facts.beats += [_beat(b) for b in split_list(about.group("rest")) if _beat(b)]
        return
    if _DURATION.match(said):
        return  # "45s.": the running time is the page's
    if _DIRECTION.match(said):  # "Show the app screen": something to film, not a super
        facts.beats += [_beat(b) for b in split_list(said, clauses=True) if _beat(b)]
        return
    lead = CLAIM_LEADS.match(said)
    if lead:
        facts.claims += [c for c in (_claim(p) for p in split_list(said[lead.end() :])) if c]
        return
    if looks.is_look(said):
        facts.mood = facts.mood or looks.mood_of(said)
        return
    if _instruction(said):
        return
    pieces = split_list(said)
    if not has_action(said) and all(len(p.split()) <= 7 for p in pieces):
        facts.mood = facts.mood or looks.mood_of(said)
        for piece in pieces:  # "Sapphire glass, titanium case"; "on a ridge at sunset"
            place = SETTING.match(piece)
            if place:
                facts.setting = facts.setting or clean(place.group("s"))
            elif _claim(piece):
                facts.claims.append(_claim(piece))
        return
    if re.match(rf"^(?:it|they|{re.escape(facts.product)})\s+\w+s\b", said, re.I) and (
        not has_action(said.split(None, 1)[1])
    ):
        facts.claims.append(_claim(re.sub(r"^\S+\s+", "", said)))  # "It keeps water cold"
        return
    facts.beats += [_beat(b) for b in split_list(said, clauses=True) if _beat(b)]


def _read_framing(said: str, facts: BriefFacts) -> None:
    """A sentence about the campaign itself ("X launches Y for Z, in a sunlit kitchen"):
    its audience, setting and mood, never a beat."""
    audience = _AUDIENCE.search(said)
    if audience and not facts.audience:
        facts.audience = clean(audience.group("a"))
    setting = SETTING.search(said)
    if setting and not facts.setting:
        facts.setting = clean(setting.group("s"))
    facts.mood = facts.mood or looks.mood_of(said)
    after = said.split(":", 1)[1] if ":" in said else ""
    plain = not re.search(MARKETING, after, re.I) and facts.product.lower() not in after.lower()
    if after and plain and not has_action(after):  # "Sell the X to Y: waterproof, reflective"
        facts.claims += [c for c in (_claim(p) for p in split_list(after)) if c]


_INSTRUCTION = re.compile(
    r"^(?:please\s+)?(?:keep|make|use|avoid|don'?t|do\s+not|never|no|include|mention|aim|"
    r"target|think|consider|let|ensure|be|it\s+should|it\s+must|should|must|we\s+want|"
    r"we\s+need|the\s+(?:ad|spot|film|video|tone|mood)\b)",
    re.I,
)


_DURATION = re.compile(r"^\s*\d+(?:\.\d+)?\s*-?\s*(?:s|secs?|seconds?)\b\W*$", re.I)
_DIRECTION = re.compile(
    r"^(?:show|feature|film|capture|frame|open\s+on|cut\s+to|close\s+on|we\s+see|"
    r"include\s+a\s+shot\s+of)\s+(?!off\b|how\b)",
    re.I,
)


def _instruction(said: str) -> bool:
    return bool(_INSTRUCTION.match(said.strip()))


_PACK_SHOT = re.compile(
    r"^(?:the\s+|a\s+)?(?:pack\s?shot|product\s+shot|hero\s+shot|end\s+card|logo|end\s+frame)\b",
    re.I,
)


def _beat(text: str) -> str:
    """A moment as the plan films it: the brief's words, its direction words taken off (a
    pack shot is the end shot the plan has anyway)."""
    text = clean(text)
    if _PACK_SHOT.match(LEAD_INS.sub("", text)):
        return ""
    for _ in range(3):
        text = LEAD_INS.sub("", text).strip()
    text = clean(text)
    words = text.split()
    if not words or (len(words) < 2 and words[0].lower() not in VERB_FORMS):
        return ""  # "7am"; but "breathes" is a moment of the subject before it
    return text[0].upper() + text[1:]


_NOT_A_CLAIM = r"\b(?:shot|scene|camera|voice|music|feel|mood|tone|logo|super|line|end|open)\b"


def _claim(text: str) -> str:
    """A claim short enough for a super ("Keeps water cold for 24 hours"), or nothing."""
    text = re.sub(r"^(?:and|also|plus|it|they|its|their|the|our)\s+", "", clean(text), flags=re.I)
    words = text.split()
    if not words or len(words) > 7 or looks.is_look(text) or _DURATION.match(text):
        return ""
    if re.search(
        r"\b(?:shot|scene|camera|voice|music|feel|mood|tone|logo|super|line)\b", text, re.I
    ):
        return ""
    return text[0].upper() + text[1:]
