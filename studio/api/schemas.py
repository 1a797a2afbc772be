"""What the API answers with (the rows as a script sees them) and what it accepts."""

import datetime
import json
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from generation import channels
from studio.api.core import MAX_ID, Page
from studio.api.enums import ChannelKey, ModelKey, Size

SOME_TEXT = r"\w"  # a letter or a digit at least (what is left once the text is cleaned)


def _text_only(value):
    if value is not None and not isinstance(value, str):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


Day = Annotated[datetime.date, BeforeValidator(_text_only)]  # "2026-12-24", never a number


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def left_out(**constraints):
    """An optional field that is not nullable: leave it out to keep what is there."""
    return Field(None, json_schema_extra=_no_default, **constraints)


class In(Schema):
    """What the API accepts: exactly the fields it names (anything else is a 422)."""

    model_config = ConfigDict(extra="forbid")


class WorkspaceOut(Schema):
    slug: str
    name: str
    role: str

    @classmethod
    def of(cls, row):
        return cls(slug=row.slug, name=row.name, role=row.my_role)


class WorkspaceList(Page):
    items: list[WorkspaceOut]


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    brief: str
    product: str
    tagline: str
    call_to_action: str
    budget: Decimal | None
    due_date: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def of(cls, row):
        fields = cls.model_fields
        return cls(**{name: getattr(row, name) for name in fields})


class CampaignList(Page):
    items: list[CampaignOut]


class CampaignIn(In):
    """The fields to change (PATCH); the pages' form checks every one. The budget is an
    owner's (the admin scope); null clears it, as does null for the due date."""

    name: str = left_out(min_length=1, max_length=160, pattern=SOME_TEXT)
    brief: str = left_out(max_length=20000)
    product: str = left_out(max_length=120)
    tagline: str = left_out(max_length=120)
    call_to_action: str = left_out(max_length=120)
    due_date: Day | None = left_out()
    budget: str | None = left_out(
        pattern=r"^[0-9]{1,8}(\.[0-9]{1,2})?$", description='US dollars, e.g. "250.00"'
    )
    channels: list[ChannelKey] = left_out(max_length=len(channels.CHANNELS))


class CampaignNew(CampaignIn):
    """A new campaign: its name at least."""

    name: str = Field(..., min_length=1, max_length=160, pattern=SOME_TEXT)


class ShotOut(Schema):
    id: int
    campaign_id: int
    position: int
    title: str
    model_key: str
    size: str
    seconds: int
    on_screen_text: str
    prompt: dict
    reference_image: bool

    @classmethod
    def of(cls, row):
        return cls(
            reference_image=bool(row.reference_image),
            id=row.pk,
            campaign_id=row.campaign_id,
            position=row.position,
            title=row.title,
            model_key=row.model_key,
            size=row.size,
            seconds=row.seconds,
            on_screen_text=row.on_screen_text,
            prompt=row.prompt or {},
        )


class ShotList(Page):
    items: list[ShotOut]


class ShotIn(In):
    title: str = Field(..., min_length=1, max_length=160, pattern=SOME_TEXT)
    scene: str = Field("", max_length=4000)


class ShotUpdate(In):
    """The prompt's layers and the model, as the shot editor has them; fields left out keep
    what the shot holds."""

    title: str = left_out(min_length=1, max_length=160, pattern=SOME_TEXT)
    on_screen_text: str = left_out(max_length=200)
    model_key: ModelKey = left_out()
    size: Size = left_out()
    seconds: int = left_out(ge=1, le=60)
    scene: str = left_out(max_length=4000)
    subject: str = left_out(max_length=500)
    beats: list[str] = left_out(max_length=24)
    camera_movement: str = left_out(max_length=300)
    camera_lens_mm: int = left_out(ge=8, le=800)
    camera_framing: Literal["", "ECU", "CU", "MCU", "MED", "WIDE"] = left_out()
    camera_depth_of_field: str = left_out(max_length=100)
    camera_angle: str = left_out(max_length=100)
    lighting_direction: str = left_out(max_length=200)
    lighting_quality: str = left_out(max_length=200)
    lighting_color_temperature: str = left_out(max_length=100)
    audio_generate: bool = left_out()
    audio_dialogue: list[str] = left_out(max_length=24)
    audio_sfx: str = left_out(max_length=500)
    audio_ambience: str = left_out(max_length=500)
    audio_music: str = left_out(max_length=500)
    style_film_reference: str = left_out(max_length=300)
    style_grade: str = left_out(max_length=200)
    style_palette: str = left_out(max_length=200)


class ShotOrder(In):
    shots: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(..., min_length=1, max_length=500)


class TakeOut(Schema):
    id: int
    shot_id: int
    take: int
    status: str
    model_key: str
    size: str
    seconds: int
    prompt: str
    progress: int
    backend: str = Field(description="the team's GPU server it was sent to ('' for none)")
    queue_place: int | None = Field(description="its place in line for a GPU, or in its queue")
    cost_estimate: Decimal
    cost_actual: Decimal | None
    billed: bool | None
    error_code: str
    error_message: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None
    video_url: str | None

    @classmethod
    def of(cls, row):
        video = f"/api/v1/takes/{row.pk}/video" if row.video_key else None
        return cls(
            id=row.pk,
            shot_id=row.shot_id,
            take=row.take,
            status=row.status,
            model_key=row.model_key,
            size=row.size,
            seconds=row.seconds,
            prompt=row.prompt_text,
            progress=row.progress,
            backend=row.backend,
            queue_place=row.queue_place,
            cost_estimate=row.cost_estimate,
            cost_actual=row.cost_actual,
            billed=row.billed,
            error_code=row.error_code,
            error_message=row.error_message,
            created_at=row.created_at,
            completed_at=row.completed_at,
            video_url=video,
        )


class TakeList(Page):
    items: list[TakeOut]


class TakeIn(In):
    variations: int = Field(1, ge=1, le=4)


class DecisionOut(Schema):
    id: int
    verdict: str
    note: str
    who: str
    client: bool
    created_at: datetime.datetime

    @classmethod
    def of(cls, row):
        return cls(
            id=row.pk,
            verdict=row.verdict,
            note=row.note,
            who=row.who,
            client=row.reviewer_id is None,
            created_at=row.created_at,
        )


class DecisionList(Page):
    items: list[DecisionOut]


class DecisionIn(In):
    verdict: Literal["approved", "changes"]
    note: str = Field("", max_length=2000)


class SpotOut(Schema):
    id: int
    campaign_id: int
    format: str
    market: str | None
    hook: str | None
    status: str
    duration_ms: int | None
    lufs: float | None
    true_peak: float | None
    preflight: list[dict]
    error: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None

    @classmethod
    def of(cls, row):
        return cls(
            id=row.pk,
            campaign_id=row.campaign_id,
            format=row.format.name,
            market=row.market.code if row.market_id else None,
            hook=row.hook.name if row.hook_id else None,
            status=row.status,
            duration_ms=row.duration_ms,
            lufs=row.lufs,
            true_peak=row.true_peak,
            preflight=row.preflight if isinstance(row.preflight, list) else [],
            error=row.error,
            created_at=row.created_at,
            completed_at=row.completed_at,
        )


class SpotList(Page):
    items: list[SpotOut]


class SpotsMade(Schema):
    spots: list[SpotOut]
    problems: list[str]


class SpotMake(In):
    format_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="One format's spot; none: every format's"
    )


class Delivery(Schema):
    files: int
    bytes: int
    waiting_for_signature: int
    download_url: str | None


class SpendRow(Schema):
    label: str
    settled: Decimal
    reserved: Decimal
    takes: int


class SpendOut(Schema):
    budget: Decimal | None
    settled: Decimal
    reserved: Decimal
    committed: Decimal
    takes: int
    by_model: list[SpendRow]


class PlanSettings(In):
    brief: str = Field(..., min_length=1, max_length=4000, pattern=SOME_TEXT)
    product: str = Field(..., min_length=1, max_length=120, pattern=SOME_TEXT)
    target: int = Field(20, ge=4, le=180, description="Running time in seconds")
    model_key: ModelKey = "animatic"
    planner: Literal["llm", "builtin"] = "builtin"


class PlanRow(In):
    title: str = Field(..., min_length=1, max_length=160, pattern=SOME_TEXT)
    seconds: int = Field(..., ge=1, le=60)
    scene: str = Field(..., min_length=1, max_length=1000, pattern=SOME_TEXT)
    subject: str = Field("", max_length=300)
    beats: str = Field("", max_length=900)
    camera: str = Field("", max_length=120)
    sound: str = Field("", max_length=300)
    voiceover: str = Field("", max_length=300)
    on_screen_text: str = Field("", max_length=200)
    connected: bool = False
    layers: dict = Field(default_factory=dict)

    @classmethod
    def from_form(cls, form) -> "PlanRow":
        """A row of the plan page's formset (its initial values) as the API shows it."""
        values = {name: form[name].value() for name in cls.model_fields if name in form.fields}
        try:
            values["layers"] = json.loads(values.get("layers") or "{}")
        except ValueError:
            values["layers"] = {}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        return cls(**values)

    @staticmethod
    def formset_data(rows: list["PlanRow"]) -> dict:
        """The rows as the plan page's formset posts them (prefix `row`)."""
        data = {
            "row-TOTAL_FORMS": str(len(rows)),
            "row-INITIAL_FORMS": "0",
            "row-MIN_NUM_FORMS": "0",
            "row-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            for name, value in row.dict().items():
                if name == "layers":
                    value = json.dumps(value)
                elif name == "connected":
                    value = "on" if value else ""
                data[f"row-{i}-{name}"] = str(value)
            data[f"row-{i}-ORDER"] = str(i + 1)
        return data


class PlanDraft(Schema):
    rows: list[PlanRow]
    total_seconds: int
    problem: str


class PlanIn(PlanSettings):
    rows: list[PlanRow] = Field(..., min_length=1, max_length=40)
    generate: bool = Field(False, description="Queue a take of each shot (the generate scope)")


class PlanMade(Schema):
    shots: list[ShotOut]
    takes: list[TakeOut]
    refused: list[str]
