"""What a take will cost, and what is left of a campaign's budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, Sum, When
from django.db.models.functions import Coalesce

from generation import catalog
from generation.models import Render, RenderStatus

CENT = Decimal("0.01")


def estimate(model_key: str, size: str, seconds: int, audio: bool = True) -> Decimal | None:
    """The price of one take, or None when the provider has not published one."""
    model = catalog.get(model_key)
    if model is None:
        return None
    per_second = model.price_per_second(size, audio)
    if per_second is None:
        return None
    return (per_second * seconds).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def committed(account: int) -> Decimal:
    """Money spent or promised in a budget account (a campaign's id): billed takes at their
    actual cost, takes in flight at their estimate (they may still be billed), failures that
    were not billed at nothing."""
    in_flight = [
        s
        for s in RenderStatus
        if s
        not in (
            RenderStatus.FAILED,
            RenderStatus.CANCELLED,
            RenderStatus.EXPIRED,
            RenderStatus.COMPLETED,
        )
    ]
    total = Render.objects.filter(shot__campaign_id=account).aggregate(
        total=Sum(
            Case(
                When(billed=True, then=Coalesce(F("cost_actual"), F("cost_estimate"))),
                When(status__in=in_flight, then=F("cost_estimate")),
                default=Decimal("0"),
                output_field=DecimalField(max_digits=12, decimal_places=4),
            )
        )
    )["total"]
    return total or Decimal("0")


@dataclass(frozen=True)
class Quote:
    per_take: Decimal | None
    variations: int
    budget: Decimal | None
    committed: Decimal

    @property
    def total(self) -> Decimal | None:
        return None if self.per_take is None else self.per_take * self.variations

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def remaining_after(self) -> Decimal | None:
        if self.remaining is None or self.total is None:
            return None
        return self.remaining - self.total

    @property
    def over_budget(self) -> bool:
        return self.remaining_after is not None and self.remaining_after < 0

    @property
    def unpriced_under_budget(self) -> bool:
        """A hard budget cannot be checked against a model without a published price."""
        return self.budget is not None and self.total is None

    def problem(self) -> str:
        if self.unpriced_under_budget:
            return (
                "This model has no published price at this size, so it cannot be checked "
                "against the campaign's hard budget. Choose another size or model."
            )
        if self.over_budget:
            return (
                f"{self.variations} take{'s' if self.variations > 1 else ''} would cost "
                f"${self.total.quantize(CENT)}, but only ${self.remaining.quantize(CENT)} "
                "of the campaign's budget is left."
            )
        return ""


def quote(
    model_key: str,
    size: str,
    seconds: int,
    audio: bool = True,
    variations: int = 1,
    *,
    limit: Decimal | None,
    account: int | None,
) -> Quote:
    """What `variations` takes would cost against a hard budget `limit` of the account (a
    campaign's id; None: no budget)."""
    return Quote(
        per_take=estimate(model_key, size, seconds, audio),
        variations=variations,
        budget=limit,
        committed=committed(account) if limit is not None and account else Decimal("0"),
    )
