"""What a take will cost, what it did cost, and what is left of a campaign's budget.

The money rules live here, once (docs/security.md, "Money"): a take counts against its
campaign's budget from the moment it is requested until it is known not to have been billed.
Billed takes count at the provider's reported cost (else the estimate); takes in flight, and
finished takes whose billing is unknown, count at their estimate. Nothing deletes a take that
cost or may have cost money, so nothing billed can leave the books.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Case, DecimalField, Expression, F, Q, Sum, When
from django.db.models.functions import Coalesce

from generation import catalog
from generation.models import IN_FLIGHT, Render

CENT = Decimal("0.01")
ZERO = Decimal("0")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=4)
# No video take costs this much; a reported cost above it is a provider's bug, not a bill.
MAX_REPORTED_COST = Decimal("10000")

# Which part of the books a take is in. A take is in exactly one of them, or in none (known
# not billed).
IS_SETTLED = Q(billed=True)
IS_RESERVED = Q(status__in=IN_FLIGHT) & ~Q(billed=True)
IS_UNKNOWN = ~Q(status__in=IN_FLIGHT) & Q(billed__isnull=True)
SETTLED_COST = Coalesce(F("cost_actual"), F("cost_estimate"))


def _sum(condition: Q, amount: Expression | F) -> Coalesce:
    return Coalesce(
        Sum(Case(When(condition, then=amount), default=ZERO, output_field=MONEY)),
        ZERO,
        output_field=MONEY,
    )


def settled_sum() -> Coalesce:
    return _sum(IS_SETTLED, SETTLED_COST)


def reserved_sum() -> Coalesce:
    return _sum(IS_RESERVED, F("cost_estimate"))


def unknown_sum() -> Coalesce:
    return _sum(IS_UNKNOWN, F("cost_estimate"))


def committed_sum(only: Q | None = None) -> Coalesce:
    """Settled + reserved + unknown, as one aggregate (of the takes `only` names, if given)."""
    return Coalesce(
        Sum(
            Case(
                When(IS_SETTLED, then=SETTLED_COST),
                When(IS_RESERVED | IS_UNKNOWN, then=F("cost_estimate")),
                default=ZERO,
                output_field=MONEY,
            ),
            filter=only,
        ),
        ZERO,
        output_field=MONEY,
    )


def settled_cost(take: Render) -> Decimal:
    """One take's settled amount (the row-by-row twin of settled_sum)."""
    if not take.billed:
        return ZERO
    return take.cost_actual if take.cost_actual is not None else take.cost_estimate


def counted_cost(take: Render) -> Decimal:
    """What one take counts against its budget now (the row-by-row twin of committed_sum)."""
    if take.billed:
        return settled_cost(take)
    if take.status in IN_FLIGHT or take.billed is None:
        return take.cost_estimate
    return ZERO


def accepted_cost(reported: object, estimate: Decimal) -> tuple[Decimal, str]:
    """The cost to record for a finished take: the provider's report when it is a finite
    amount >= 0 that a take can cost, else the estimate. The second value is the rejected
    report as text ("" when the report was accepted or absent), kept on the take as a flag."""
    if reported is None:
        return estimate, ""
    try:
        value = Decimal(str(reported))
        plausible = value.is_finite() and ZERO <= value <= MAX_REPORTED_COST
    except (InvalidOperation, ValueError, TypeError):
        plausible = False
    if not plausible:
        return estimate, str(reported)[:40] or "?"
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), ""


def estimate(model_key: str, size: str, seconds: int, audio: bool = True) -> Decimal | None:
    """The price of one take, or None when the provider has not published one."""
    model = catalog.get(model_key)
    if model is None:
        return None
    per_second = model.price_per_second(size, audio)
    if per_second is None:
        return None
    return (per_second * seconds + model.take_fee).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def committed(account: int) -> Decimal:
    """Money spent or promised in a budget account (a campaign's id): billed takes at their
    cost, takes in flight and takes whose billing is unknown at their estimate; takes known
    not to have been billed at nothing. Takes of deleted shots count like any other."""
    total: Decimal = Render.objects.filter(budget_account=account).aggregate(total=committed_sum())[
        "total"
    ]
    return total


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
        if self.over_budget and self.total is not None and self.remaining is not None:
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
