"""A market's texts of the spot (issue 38, point 1): the spot's supers, voice-over lines and
end card words, each market's own drafted from the master's (marked "to translate"), edited in
one table (rows the texts, columns the markets), checked against the market's banned words,
the room each text has and the seconds a voice line may last, and approved per market. And the
hooks: other first shots of the spot, named B, C… (the master's own opening is A)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from generation import text
from generation.prompts import banned
from studio.models import (
    BrandFile,
    BrandFileKind,
    Campaign,
    Finish,
    Hook,
    Market,
    MarketText,
    Shot,
    VoiceSource,
)
from studio.production import market_drafting, spots

SPEECH_CHARS_PER_SECOND = 15  # a voice-over read at an even pace: about 15 characters a second
HOOK_NAMES = "BCDEFGHIJKLMNOPQRSTUVWXYZ"  # the master's own opening is hook A


@dataclass(frozen=True)
class Item:
    """One text of the spot that a market has its own of."""

    key: str  # "super:<shot>", "voice:<shot>", "call", "legal"
    label: str
    master: str
    limit: int  # characters it may have (a super: about what its box holds)
    window: float = 0.0  # a voice line: the seconds of its shot


def items(campaign: Campaign, finish: Finish | None = None) -> list[Item]:
    """The spot's texts, in the order they are seen: each shot's super and voice-over line
    (hooks' shots too), then the end card's call to action and legal line."""
    finish = finish or spots.finish_of(campaign)
    found = []
    for shot in campaign.shots.order_by("position", "pk"):
        if shot.on_screen_text:
            found.append(
                Item(
                    f"super:{shot.pk}",
                    f"{shot.position}. {shot.title}: super",
                    shot.on_screen_text,
                    max(40, round(len(shot.on_screen_text) * 1.5)),
                )
            )
        voice, _ = spots._lines(shot)
        if voice:
            found.append(
                Item(
                    f"voice:{shot.pk}",
                    f"{shot.position}. {shot.title}: voice-over",
                    voice,
                    300,
                    float(shot.seconds),
                )
            )
    if finish.call_to_action:
        found.append(Item("call", "End card: call to action", finish.call_to_action, 120))
    found.append(Item("legal", "End card: legal line", finish.legal_line, 200))
    return found


def add_market(
    campaign: Campaign, code: str, legal_line: str = "", banned_words: str = ""
) -> tuple[Market, str]:
    """A market and its texts (drafted by the language model, else copied from the master and
    marked "to translate"); returns it with what happened to its draft."""
    with transaction.atomic():
        Campaign.lock(campaign.pk)
        market = Market.objects.create(
            campaign=campaign,
            code=code,
            legal_line=legal_line,
            banned_words=banned_words,
            position=campaign.markets.count() + 1,
        )
    return market, draft(market)


def draft(market: Market) -> str:
    """The market's missing texts: the language model's draft where one is configured and its
    every text passes the market's rules, else the master's, marked "to translate". Returns
    what the person is told."""
    have = set(market.texts.values_list("item", flat=True))
    todo = [i for i in items(market.campaign) if i.key not in have]
    drafts: dict[str, str] = {}
    said = "Its texts are copied from the master, to translate."
    if market_drafting.configured() and any(i.master for i in todo):
        try:
            drafts = market_drafting.drafted(market, todo, problems)
            said = "Its texts were drafted by the language model: read them, then approve."
        except market_drafting.PlanningError as error:
            said = f"{error} Its texts are copied from the master, to translate."
    legal = market.legal_line
    MarketText.objects.bulk_create(
        MarketText(
            market=market,
            item=item.key,
            text=drafts.get(item.key) or (legal if item.key == "legal" and legal else item.master),
            to_translate=bool(item.master)
            and item.key not in drafts
            and not (item.key == "legal" and legal),
        )
        for item in todo
    )
    return said


def problems(market: Market, item: Item, value: str) -> list[str]:
    """What is wrong with a market's text: a banned word (the market's or the brand's), too
    long for its place, a voice line longer than its shot."""
    said = []
    words = [*market.banned(), *market.campaign.banned_words()]
    if found := banned.found(value, words):
        said.append(f"“{found[0]}” is a banned word in {market.code}.")
    if len(value) > item.limit:
        said.append(f"{len(value)} characters: at most {item.limit} fit here.")
    if item.window and (over := spoken_seconds(value) - item.window) > 0:
        said.append(f"Read aloud it runs about {over:.1f} s over its shot's {item.window:g} s.")
    return said


def spoken_seconds(value: str) -> float:
    return round(len(value) / SPEECH_CHARS_PER_SECOND, 1)


@dataclass
class Table:
    """The texts table: rows the spot's texts, columns the markets."""

    items: list[Item]
    markets: list[Market]
    cells: dict[tuple[str, int], MarketText] = field(default_factory=dict)

    def cell(self, item: str, market: int) -> MarketText | None:
        return self.cells.get((item, market))


def table(campaign: Campaign) -> Table:
    markets = list(campaign.markets.all())
    cells = {(t.item, t.market_id): t for t in MarketText.objects.filter(market__in=markets)}
    return Table(items(campaign), markets, cells)


def save_texts(market: Market, values: dict[str, str]) -> dict[str, list[str]]:
    """Save the market's texts (item → text) that changed; returns the problems by item (then
    nothing is saved). A change lapses the market's approval."""
    known = {i.key: i for i in items(market.campaign)}
    rows = {t.item: t for t in market.texts.all()}
    cleaned = {k: text.line(v)[:300] for k, v in values.items() if k in known}
    errors = {k: p for k, v in cleaned.items() if (p := problems(market, known[k], v))}
    if errors:
        return errors
    changed = False
    with transaction.atomic():
        for key, value in cleaned.items():
            row = rows.get(key) or MarketText(market=market, item=key)
            if row.pk and row.text == value:
                continue
            row.text, row.to_translate, changed = value, False, True
            row.save()
        if changed and market.approved_at:
            Market.objects.filter(pk=market.pk).update(approved_at=None, approved_by=None)
    return {}


def approve(market: Market, user, as_they_are: bool = False) -> str:
    """The market's texts approved; refused (with what) while some are still to translate,
    unless approved as they are, or while one breaks a rule."""
    known = {i.key: i for i in items(market.campaign)}
    rows = list(market.texts.all())
    waiting = [known[t.item].label for t in rows if t.to_translate and t.item in known]
    if waiting and not as_they_are:
        return f"Still to translate in {market.code}: " + "; ".join(waiting) + "."
    for row in rows:
        if row.item in known and (said := problems(market, known[row.item], row.text)):
            return f"{known[row.item].label}: {said[0]}"
    Market.objects.filter(pk=market.pk).update(approved_at=timezone.now(), approved_by=user)
    return ""


def add_hook(campaign: Campaign, shot: Shot, only_opening: bool = True) -> Hook:
    with transaction.atomic():
        Campaign.lock(campaign.pk)
        taken = set(campaign.hooks.values_list("name", flat=True))
        name = next(n for n in HOOK_NAMES if n not in taken)
        return Hook.objects.create(
            campaign=campaign, shot=shot, name=name, only_opening=only_opening
        )


def set_voice(market: Market, voice: str, recording_id: int | None) -> str:
    """The market's voice-over: recorded (one of the workspace's voice recordings), from the
    speech endpoint in its language, the scratch voice (offline, labelled) or none. Returns
    what was wrong, or ""."""
    if voice not in VoiceSource.values:
        return "Choose how the market's voice-over is made."
    recording = None
    if voice == VoiceSource.RECORDING:
        recording = BrandFile.objects.filter(
            pk=recording_id or 0,
            kind=BrandFileKind.VOICE,
            workspace_id=market.campaign.workspace_id,
        ).first()
        if recording is None:
            return f"Choose the {market.code} voice-over recording (upload it on the Spots page)."
    Market.objects.filter(pk=market.pk).update(voice=voice, voice_recording=recording)
    return ""


def submit(market: Market, user, posted) -> dict[str, list[str]]:
    """One market's column of the texts table as posted (`t-<item>` texts, its voice, "op":
    save or approve): what was wrong by item ("" for the column), else nothing."""
    values = {k.removeprefix("t-"): posted.get(k, "") for k in posted if k.startswith("t-")}
    errors = save_texts(market, values)
    recording = posted.get("voice_recording", "")
    if "voice" in posted and (
        said := set_voice(market, posted["voice"], int(recording) if recording.isdigit() else None)
    ):
        errors = {**errors, "": [said]}
    if not errors and posted.get("op") == "approve":
        market.refresh_from_db()
        if problem := approve(market, user, bool(posted.get("as_they_are"))):
            errors = {"": [problem]}
    return errors


def rows(found: Table, market: Market | None, posted, errors) -> list[tuple[Item, list]]:
    """The table's rows: each text with its cell per market (the failed column as typed)."""
    out = []
    for item in found.items:
        row = []
        for column in found.markets:
            cell = found.cell(item.key, column.pk)
            value = cell.text if cell else ""
            failed = posted is not None and market is not None and column.pk == market.pk
            row.append(
                {
                    "market": column,
                    "value": posted.get(f"t-{item.key}", value) if failed else value,
                    "to_translate": bool(cell and cell.to_translate),
                    "errors": errors.get(item.key, []) if failed else [],
                }
            )
        out.append((item, row))
    return out
