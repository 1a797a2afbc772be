"""The words the brief reader (studio.shots.brief) goes by: how a brief is cut into sentences and
lists, what makes a clause a moment (an action verb), the lead-ins a brief puts before a
moment ("Open on", "Cut to"), and the words of marketing, sound and music."""

from __future__ import annotations

import re

# Actions a brief films, in their base form; their -s, -es, -ed and -ing forms count too.
ACTIONS = """
admire arrange beep blow brew bubble chew crunch fizz flash froth gasp grind hear hiss hit
listen munch nibble park relax rest shimmer shower sizzle smell sniff sparkle steam stroll
swallow tamp unroll vibrate wait buzz lie
arrive ask bake bite blink bloom board bounce break breathe bring brush build bump buy call
carry catch celebrate charge cheer chop clap clean climb clink close collect cook crack
crawl crest cross crouch cry cut cycle dance deliver dig dip dive drag drain draw dress
drift drink drip drive drop eat emerge enter escape fade fall fetch fill find finish fit
flick flip float flow fly fold follow gather get give glance glide glow grab greet grin grip
grow hand hang head help hike hit hold hop hug hurry jog join jump kick kiss kneel knock
lace land laugh lay lead lean leap leave lift light line load lock look lower make melt mix move
nod notice offer open order pack paddle paint pass pause pay peel pick place plant play
point pop pour press pull push put race rain reach read reveal ride ring rinse rise roll run
rush sail scan scoop scroll see send serve set settle shake share shine shop shout show shut
sing sip sit skate ski sleep slice slide slip smile snap sneak spill spin splash split
spread spring sprint squeeze stack stand start step stir stop stream stretch stride surf
swap sweep swim swing swipe take talk tap taste tear text throw tie tip toss touch tow train
trek turn twist type unbox unfold unlock unpack unwrap wake walk wander warm wash watch
water wave wear whisk win wind wipe work wrap write yawn zip
""".split()  # noqa: SIM905 - a word list, kept readable
IRREGULAR = """
ate began bit blew broke brought built came caught chose drank drove fell flew found gave
got grew held hid kept knew laid led left lit made met paid ran rang rode rose sang sat saw
shook shone slept slid spoke spun stood stole swam swung taught thought threw told took tore
woke wore won wrote
""".split()  # noqa: SIM905 - a word list, kept readable


def _forms(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    third = (
        verb[:-1] + "ies"
        if re.search(r"[^aeiou]y$", verb)
        else verb + ("es" if re.search(r"(?:s|x|z|ch|sh|o)$", verb) else "s")
    )
    past = verb[:-1] + "ied" if re.search(r"[^aeiou]y$", verb) else stem + "ed"
    doubled = verb + verb[-1] if re.search(r"[^aeiou][aeiou][bdgmnpt]$", verb) else verb
    return {verb, third, past, stem + "ing", doubled + "ing", doubled + "ed"}


_BASE = frozenset(ACTIONS)
VERB_FORMS = frozenset({form for verb in ACTIONS for form in _forms(verb)} | set(IRREGULAR))
_NOT_VERBS = {
    "light",
    "lights",
    "set",
    "cut",
    "work",
    "water",
    "line",
    "show",
    "rain",
    "warm",
    "ring",
    "train",
    "wind",
    "turn",
    "play",
    "fit",
    "head",
    "pack",
}

LEAD_INS = re.compile(
    r"^(?:and\s+|then\s+|next\s+|finally\s+|first\s+|after\s+that\s+|meanwhile\s+|later\s+)?"
    r"(?:we\s+)?(?:open(?:s)?\s+on|start(?:s)?\s+(?:on|with)|begin(?:s)?\s+(?:on|with)|cut\s+to|"
    r"(?:we\s+)?see|(?:we\s+)?follow|show(?:s|ing)?|close\s+on|move\s+to|pan\s+to|then|next|"
    r"finally|first|and|after\s+that|meanwhile|later|shot\s+\d+|scene\s+\d+|\d+[.)])\s*[:,-]?\s+",
    re.I,
)
CLAIM_LEADS = re.compile(
    r"^(?:push|highlight|stress|feature|mention|emphasi[sz]e|focus\s+on|call\s+out|sell|"
    r"show\s+off|key\s+points?\s+are|it\s+has|they\s+have|it\s+comes\s+with)\s+",
    re.I,
)
MARKETING = (
    r"\b(?:launch\w*|introduc\w*|promot\w*|unveil\w*|present(?:s|ing)\b|showcas\w*|advertis\w*|"
    r"announc\w*|campaign|commercial|brief|target\w*|aimed\s+at|audience|spot\b|ad\b|ads\b|"
    r"video\b|film\b|we\s+are\s+(?:selling|launching)|sells?\b)"
)
SOUND_WORDS = (
    r"\b(?:noise|noises|sound|sounds|silence|hum|buzz|click|clicks|whoosh|"
    r"crackle|birdsong|footsteps|ambience|music|soundtrack|song|score|guitar|piano|drums?|"
    r"bass|strings|synth|beat\s+drops|chimes?|fado|jazz|orchestra\w*|choir)\b"
)
MUSIC_WORDS = (
    r"\b(?:music|soundtrack|song|score|guitar|piano|drums?|bass|strings|synth|fado|jazz|"
    r"orchestra\w*|choir|track|feel)\b"
)


def clean(text: str) -> str:
    return " ".join(text.strip(" .,;:!?-–—\n\t").split())


def sentences(brief: str) -> list[str]:
    """The brief's statements: its lines, each cut into sentences (a quoted line is already
    one placeholder, so its full stops do not cut)."""
    found = []
    for line in brief.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line)  # list bullets
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9⟦“\"'‘])", line):
            if clean(sentence):
                found.append(sentence.strip())
    return found


def split_list(text: str, clauses: bool = False) -> list[str]:
    """A list's items ("a, b, and c"; "a; b"; "a → b"; "a, then b"); with `clauses`, only
    the cuts a sentence of moments makes (";", "then", a dash, ", and" before an action)."""
    if clauses:
        found: list[str] = []
        for part in re.split(r"\s*;\s*|\s*[—–]\s*|,?\s+then\s+|\s*→\s*", text):
            merged: list[str] = []  # a comma or "and" cuts only before a clause of its own
            for piece in (p for p in re.split(r"(,\s+|\s+and\s+)", part)):
                if not merged or re.fullmatch(r",\s+|\s+and\s+", piece):
                    merged.append(piece)
                    continue
                words = piece.split()
                own = words and (
                    is_action(words, 0) or (has_action(piece) and has_action(merged[-2]))
                )
                if own and len(merged) >= 2:
                    merged[-1] = "\0"  # a cut
                merged.append(piece)
            found += [clean(c) for c in "".join(merged).split("\0")]
        found = [c for c in found if c]
        joined: list[str] = []  # a piece with no action ("Our latte —") joins the next
        for index, piece in enumerate(found):
            if (
                joined
                and not has_action(joined[-1])
                or not has_action(piece)
                and index == len(found) - 1
                and joined
            ):
                joined[-1] = f"{joined[-1]}, {piece[:1].lower()}{piece[1:]}"
            else:
                joined.append(piece)
        return joined
    parts = re.split(r"\s*[;,→/]\s*|(?<=[.!?])\s+|\s+(?:and\s+then|then|and)\s+", text)
    return [p for p in (clean(p) for p in parts) if p]


def has_action(text: str) -> bool:
    """Whether a clause shows something happening: it holds an action verb. A word that is
    more often a noun in a brief ("water", "light", "set") counts only after a pronoun."""
    words = re.findall(r"[a-z']+", text.lower())
    return any(is_action(words, index) for index in range(len(words)))


def is_action(words: list[str], index: int) -> bool:
    """Whether words[index] is an action verb where it stands (not "the turns", "a drop")."""
    word = re.sub(r"[^a-z']", "", words[index].lower())
    if word not in VERB_FORMS:
        return False
    before = re.sub(r"[^a-z']", "", words[index - 1].lower()) if index else ""
    if word in _NOT_VERBS and before not in _PRONOUNS:
        return False
    if word in _BASE and index and before not in _PRONOUNS and not before.endswith("s"):
        return False  # "the smooth taste": a base form acts after "they", "friends", "and"
    return before not in _DETERMINERS


_PRONOUNS = {"i", "we", "you", "they", "he", "she", "it", "who", "then", "and", "to"}
_DETERMINERS = {"the", "a", "an", "of", "its", "their", "his", "her", "our", "your", "my"}


def without_product(text: str, product: str) -> str:
    """`text` with the product's name taken out (its words are not actions nor places)."""
    return re.sub(re.escape(product), " ", text, flags=re.I) if product.strip() else text


def subject_of(beat: str) -> str:
    """Who acts in a moment: the words before its first action ("A runner" of "A runner laces
    up"), or nothing when it starts with its action."""
    words = beat.split()
    for index in range(min(7, len(words))):
        if is_action(words, index):
            return clean(" ".join(words[:index]))
    return ""


def with_subjects(beats: list[str]) -> list[str]:
    """Moments that carry on the one before's subject ("steps out into the dawn") say it
    ("The runner steps out into the dawn")."""
    said, who = [], ""
    for beat in beats:
        words = beat.split()
        first = re.sub(r"\W", "", words[0].lower()) if words else ""
        own_subject = len(words) > 1 and is_action(words, 1)  # "steam rises"
        if first in VERB_FORMS and who and not own_subject:
            beat = f"{who} {beat[:1].lower()}{beat[1:]}"
        else:
            subject = re.split(r"\s+(?:at|in|on|with|from|by|of|near|inside)\s+", subject_of(beat))[
                0
            ]
            if subject and len(subject.split()) <= 4:
                who = re.sub(r"^(?:a|an)\s+", "The ", subject, flags=re.I)
                who = who[:1].upper() + who[1:]
        said.append(beat)
    return said


def written(text: str) -> str:
    """A line as the brief wrote it (its spaces tidied, its full stop kept)."""
    return " ".join(text.split()).strip(" -–—")
