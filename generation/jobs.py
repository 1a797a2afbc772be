"""The take (Render) state machine.

    queued -> submitting -> in_progress -> storing -> completed
       |          |              |            \\-> expired
       |          |              \\-> failed | expired | cancelled
       |          \\-> failed (rejected at submit: not billed)
       |          \\-> reconciling (outcome unknown) -> in_progress | queued
       \\-> cancelled

Invariants (each has tests):
1. One paid job per take: the idempotency key is saved before any network call, and a create
   whose outcome is unknown is reconciled before anything is sent again.
2. Every transition is a conditional update (one row or nothing), recorded as a RenderEvent.
3. Completed means stored: bytes in storage, size and sha256 recorded, ffmpeg can read them.
4. Tasks take primary keys, re-read the row and check its state: a second delivery is a no-op.
5. Every failure carries a code, a message a marketer can act on, and whether it was billed.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Max, Q
from django.utils import timezone

from generation import budget, catalog, media, storage, webhooks
from generation.models import Render, RenderEvent, RenderStatus
from generation.providers import ProviderError, get_provider
from generation.providers.base import JobSpec, JobStatus, OutcomeUnknown

logger = logging.getLogger(__name__)
S = RenderStatus

CLAIM = timedelta(seconds=90)  # how long a sweep holds a due take before it is due again
STORE_LEASE = timedelta(minutes=10)
SUBMIT_DEADLINE = timedelta(minutes=5)  # a take still submitting after this is reconciled
LOST_QUEUE_DEADLINE = timedelta(minutes=2)  # a queued take with no task after this is requeued
RENDER_DEADLINE = timedelta(hours=6)
MAX_SUBMITS = 5
MAX_STORE_DELAY = 300.0


class TakeRequestError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------- transitions


def advance(
    render: Render,
    expected: str,
    to: str,
    *,
    kind: str = "transition",
    detail: dict | None = None,
    **fields,
) -> bool:
    """Move the take from `expected` to `to` if, and only if, it is still in `expected`.
    Returns False when another worker, a webhook or a user got there first."""
    now = timezone.now()
    with transaction.atomic():
        moved = Render.objects.filter(pk=render.pk, status=expected).update(
            status=to, updated_at=now, **fields
        )
        if moved:
            RenderEvent.objects.create(
                render_id=render.pk,
                at=now,
                from_status=expected,
                to_status=to,
                kind=kind,
                detail=detail or {},
            )
    if moved:
        render.status = to
        for name, value in fields.items():
            setattr(render, name, value)
    return bool(moved)


def note(render: Render, kind: str, detail: dict) -> None:
    """An event that is not a transition (a retry, a poll error): provenance all the same."""
    RenderEvent.objects.create(
        render_id=render.pk,
        from_status=render.status,
        to_status=render.status,
        kind=kind,
        detail=detail,
    )


def _error_fields(error: ProviderError, billed: bool | None = None) -> dict:
    return {
        "error_code": error.code[:64],
        "error_message": error.message,
        "billed": error.billed if billed is None else billed,
        "next_poll_at": None,
        "lease_until": None,
    }


# --------------------------------------------------------------------------- requesting


def request_takes(
    shot,
    user,
    variations: int = 1,
    batch_key: uuid.UUID | None = None,
    remix_of: Render | None = None,
    remix_prompt: str = "",
) -> list[Render]:
    """Create 1–4 takes of the shot as it is saved now, and queue them.

    The same batch key returns the takes already made with it (a double click, a re-sent
    form). Raises TakeRequestError when the request is invalid or over the hard budget.
    """
    from studio.models import Campaign
    from studio.prompting import BrandKit, compile_prompt, lint

    if not 1 <= variations <= 4:
        raise TakeRequestError("Generate between 1 and 4 takes at once.", "variations")
    # A batch key belongs to one shot and one kind of request (a generate, or a remix of one
    # take): replaying it returns that request's takes, and nothing else's.
    same_request = Render.objects.filter(
        shot=shot, batch_key=batch_key, remix_of=remix_of
    ).order_by("variation")
    if batch_key is not None:
        existing = list(same_request)
        if existing:
            return existing

    model = catalog.get(remix_of.model_key if remix_of else shot.model_key)
    if model is None:
        raise TakeRequestError(f"Unknown model {shot.model_key!r}.", "model_key")
    route = model.preferred_route()
    if remix_of is not None:
        # A remix goes to the provider that holds the original video.
        route = next((r for r in model.usable_routes() if r.provider == remix_of.provider), None)
        if remix_of.status != RenderStatus.COMPLETED:
            raise TakeRequestError("Only a completed take can be remixed.", "remix")
        if route is None:
            raise TakeRequestError(
                f"Take {remix_of.take} was made through {remix_of.provider}, which is not "
                "available now, so it cannot be remixed.",
                "remix",
            )
        if not remix_prompt.strip():
            raise TakeRequestError("Describe the change you want in the remix.", "prompt")
    brand = BrandKit.from_campaign(shot.campaign)
    if remix_of is not None:
        prompt_text, size, seconds = remix_prompt.strip(), remix_of.size, remix_of.seconds
        structure = {"mode": "layers", "scene": prompt_text}
        image_size = None
    else:
        compiled = compile_prompt(shot.prompt, model, brand)
        prompt_text, size, seconds = compiled.text, shot.size, shot.seconds
        structure = shot.prompt
        image_size = shot.reference_dimensions
        errors = [
            i
            for i in lint(
                shot.prompt,
                model,
                seconds,
                prompt_text,
                brand,
                prompt_max=route.prompt_max if route else None,
            )
            if i.level == "error"
        ]
        if errors:
            raise TakeRequestError(errors[0].message, errors[0].field)
    problems = catalog.validate(
        model.key, size, seconds, prompt_text, image_size=image_size, remix=remix_of is not None
    )
    if problems:
        raise TakeRequestError(problems[0].message, problems[0].field)
    audio = model.audio.available and (structure or {}).get("audio", {}).get("generate", True)

    try:
        with transaction.atomic():
            # The campaign row is the budget's lock: two requests cannot both fit the last
            # dollars of a hard budget.
            campaign = Campaign.objects.select_for_update().get(pk=shot.campaign_id)
            quote = budget.quote(
                campaign, model.key, size, seconds, audio=audio, variations=variations
            )
            if quote.problem():
                raise TakeRequestError(quote.problem(), "variations")
            last = Render.objects.filter(shot=shot).aggregate(m=Max("take"))["m"] or 0
            renders = []
            for variation in range(1, variations + 1):
                render = Render.objects.create(
                    shot=shot,
                    take=last + variation,
                    created_by=user,
                    batch_key=batch_key,
                    variation=variation,
                    model_key=model.key,
                    provider=route.provider,
                    provider_model=route.model_id,
                    size=size,
                    seconds=seconds,
                    prompt_text=prompt_text,
                    prompt_json=structure or {},
                    audio=bool(audio),
                    reference_image_key=shot.reference_image if remix_of is None else "",
                    remix_of=remix_of,
                    cost_estimate=quote.per_take or 0,
                )
                RenderEvent.objects.create(
                    render=render,
                    to_status=S.QUEUED,
                    kind="created",
                    detail={"by": user.get_username() if user else "", "variation": variation},
                )
                renders.append(render)
            from generation import tasks

            for render in renders:
                transaction.on_commit(lambda pk=render.pk: tasks.enqueue("submit", pk))
            transaction.on_commit(tasks.kick_sweep)
    except IntegrityError:
        if batch_key is None:
            raise
        existing = list(same_request)
        if not existing:
            raise TakeRequestError(
                "This form was already used for another request. Reload the page and try again."
            ) from None
        return existing
    return renders


def spec_for(render: Render, webhook_url: str = "") -> JobSpec:
    width, height = catalog.parse_size(render.size)
    return JobSpec(
        idempotency_key=str(render.idempotency_key),
        model_key=render.model_key,
        model_id=render.provider_model,
        size=render.size,
        width=width,
        height=height,
        seconds=render.seconds,
        prompt=render.prompt_text,
        audio=render.audio,
        reference_image_key=render.reference_image_key,
        remix_of_job_id=(
            (render.remix_of.provider_output_id or render.remix_of.provider_job_id)
            if render.remix_of_id
            else ""
        ),
        title=render.shot.title,
        structure=render.prompt_json,
        created_after=render.submitted_at,
        webhook_url=webhook_url,
    )


def _load(render_id: int) -> Render | None:
    return (
        Render.objects.select_related("shot__campaign__workspace", "remix_of")
        .filter(pk=render_id)
        .first()
    )


def _due_in(seconds: float) -> dict:
    return {"next_poll_at": timezone.now() + timedelta(seconds=seconds)}


def _poll_delay(provider, polls: int) -> float:
    return min(provider.max_poll, provider.first_poll * (provider.backoff ** max(0, polls)))


# --------------------------------------------------------------------------- submit


def submit(render_id: int) -> None:
    render = _load(render_id)
    if render is None or render.status != S.QUEUED:
        return
    if render.cancel_requested_at:
        advance(
            render,
            S.QUEUED,
            S.CANCELLED,
            detail={"reason": "cancelled before sending"},
            billed=False,
            next_poll_at=None,
        )
        return
    model = catalog.get(render.model_key)
    image_size = None
    if render.reference_image_key:
        image_size = _stored_image_size(render.reference_image_key)
        if image_size is None:
            advance(
                render,
                S.QUEUED,
                S.FAILED,
                billed=False,
                next_poll_at=None,
                error_code="reference_missing",
                error_message="The reference image was replaced or removed before this "
                "take was sent. Generate the take again.",
            )
            return
    problems = catalog.validate(
        render.model_key,
        render.size,
        render.seconds,
        render.prompt_text,
        image_size=image_size,
        remix=render.remix_of_id is not None,
    )
    if model is None or problems:
        message = problems[0].message if problems else "This model no longer exists."
        advance(
            render,
            S.QUEUED,
            S.FAILED,
            billed=False,
            next_poll_at=None,
            error_code="invalid_request",
            error_message=message,
        )
        return
    provider = get_provider(render.provider)
    webhook_url, token_hash = webhooks.url_for(provider.name)
    # The idempotency key (and the webhook token's hash) are saved before anything is sent.
    if not advance(
        render,
        S.QUEUED,
        S.SUBMITTING,
        attempts=render.attempts + 1,
        submitted_at=render.submitted_at or timezone.now(),
        last_attempt_at=timezone.now(),
        next_poll_at=None,
        webhook_token_hash=token_hash,
    ):
        return
    spec = spec_for(render, webhook_url)
    try:
        if render.remix_of_id:
            status = provider.remix(spec.remix_of_job_id, spec)
        else:
            status = provider.submit(spec)
    except OutcomeUnknown as error:
        _to_reconcile(render, error.message)
        return
    except ProviderError as error:
        _submit_failed(render, provider, error)
        return
    except Exception as error:  # anything unexpected after sending: the outcome is unknown
        logger.exception("submit of take %s ended unexpectedly", render.pk)
        _to_reconcile(render, f"unexpected {error.__class__.__name__}")
        return
    accepted(render, provider, status, S.SUBMITTING)


def _stored_image_size(key: str) -> tuple[int, int] | None:
    from django.core.files.storage import default_storage
    from PIL import Image

    try:
        with default_storage.open(key, "rb") as handle, Image.open(handle) as image:
            return image.size
    except Exception:  # noqa: BLE001 - a missing or unreadable image is reported by the caller
        return None


def _submit_failed(render: Render, provider, error: ProviderError) -> None:
    if error.permanent:
        advance(render, S.SUBMITTING, S.FAILED, detail={"code": error.code}, **_error_fields(error))
    elif not error.sent:
        # Provably not received (refused, rate limited at create): safe to send again later.
        if render.attempts >= MAX_SUBMITS:
            error.message = (
                f"{error.message} Reelroom tried {render.attempts} times; try again later."
            )
            advance(render, S.SUBMITTING, S.FAILED, **_error_fields(error, billed=False))
            return
        delay = error.retry_after or _poll_delay(provider, render.attempts)
        advance(
            render,
            S.SUBMITTING,
            S.QUEUED,
            kind="retry",
            detail={"code": error.code, "retry_in_seconds": round(delay, 1)},
            **_due_in(delay),
        )
    else:
        _to_reconcile(render, error.message)


def _to_reconcile(render: Render, reason: str) -> None:
    advance(render, S.SUBMITTING, S.RECONCILING, detail={"reason": reason}, **_due_in(2))


def accepted(render: Render, provider, status: JobStatus, expected: str) -> bool:
    """The provider has a job for this take: record it and start polling."""
    return advance(
        render,
        expected,
        S.IN_PROGRESS,
        detail={"job_id": status.job_id},
        provider_job_id=status.job_id,
        progress=status.progress,
        polls=0,
        **_due_in(provider.first_poll),
    )


# --------------------------------------------------------------------------- reconcile


def reconcile(render_id: int) -> None:
    """The create's outcome is unknown: ask the provider before anything is sent again."""
    render = _load(render_id)
    if render is None or render.status != S.RECONCILING:
        return
    provider = get_provider(render.provider)
    try:
        found = provider.find(spec_for(render))
    except ProviderError as error:
        delay = error.retry_after or _poll_delay(provider, render.polls)
        Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(
            polls=render.polls + 1, **_due_in(delay)
        )
        note(render, "reconcile_retry", {"code": error.code, "retry_in_seconds": delay})
        return
    owned = set(
        Render.objects.filter(
            provider=render.provider, provider_job_id__in=[f.job_id for f in found]
        )
        .exclude(pk=render.pk)
        .values_list("provider_job_id", flat=True)
    )
    unowned = [f for f in found if f.job_id not in owned]
    if len(unowned) > 1:
        # Variations share model, size, seconds and prompt: with several jobs that no take
        # owns, any choice could take another take's job. Say so instead of guessing.
        advance(
            render,
            S.RECONCILING,
            S.FAILED,
            detail={"reason": "ambiguous", "candidates": [f.job_id for f in unowned]},
            billed=None,
            next_poll_at=None,
            error_code="reconcile_ambiguous",
            error_message=(
                "The connection broke while this take was being sent, and the provider has "
                f"{len(unowned)} jobs that match it (variations share one prompt), so Reelroom "
                "cannot tell which one is this take's. Nothing was sent again. It may have been "
                "billed: check the provider's dashboard, then generate again if you need it."
            ),
        )
        return
    if unowned:
        try:
            accepted(render, provider, unowned[0], S.RECONCILING)
        except IntegrityError:
            # Another take adopted the same job a moment earlier: look again next time.
            Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(**_due_in(2))
        return
    if found:
        note(render, "reconcile_owned", {"jobs": [f.job_id for f in found]})
    # A create can reach the provider after our connection gave up on it: "no job" counts as
    # proof only once the grace period since the last send has passed.
    waited = (timezone.now() - (render.last_attempt_at or render.created_at)).total_seconds()
    grace = settings.STUDIO_RECONCILE_GRACE
    if waited < grace:
        Render.objects.filter(pk=render.pk, status=S.RECONCILING).update(
            polls=render.polls + 1, **_due_in(min(5.0, grace - waited))
        )
        note(render, "reconcile_wait", {"seconds_left": round(grace - waited, 1)})
    else:
        advance(
            render,
            S.RECONCILING,
            S.QUEUED,
            detail={"reason": "the provider has no job for this take: safe to send"},
            next_poll_at=None,
        )
        from generation import tasks

        transaction.on_commit(lambda: tasks.enqueue("submit", render.pk))


# --------------------------------------------------------------------------- poll


def poll(render_id: int) -> None:
    render = _load(render_id)
    if render is None or render.status != S.IN_PROGRESS:
        return
    provider = get_provider(render.provider)
    if render.cancel_requested_at:
        _cancel_in_progress(render, provider)
        return
    try:
        status = provider.poll(render.provider_job_id)
    except ProviderError as error:
        if error.permanent:
            target = S.EXPIRED if error.code == "expired" else S.FAILED
            # The job was accepted: whether it was billed is the provider's to say.
            advance(
                render,
                S.IN_PROGRESS,
                target,
                **{**_error_fields(error), "billed": False if provider.free else None},
            )
            return
        delay = max(error.retry_after or 0, _poll_delay(provider, render.polls))
        Render.objects.filter(pk=render.pk, status=S.IN_PROGRESS).update(
            polls=render.polls + 1, **_due_in(delay)
        )
        note(render, "poll_retry", {"code": error.code, "retry_in_seconds": round(delay, 1)})
        return
    apply_status(render, provider, status)


def apply_status(render: Render, provider, status: JobStatus) -> None:
    if status.state == "completed":
        moved = advance(
            render,
            S.IN_PROGRESS,
            S.STORING,
            progress=100,
            billed=not provider.free,
            cost_actual=status.cost if status.cost is not None else render.cost_estimate,
            provider_expires_at=status.expires_at,
            provider_output_id=status.output_id or status.job_id,
            next_poll_at=timezone.now(),
        )
        if moved:
            from generation import tasks

            transaction.on_commit(lambda: tasks.enqueue("store", render.pk))
    elif status.state == "failed":
        error = status.error or ProviderError(
            "The provider reported a failure without a reason.", code="failed", permanent=True
        )
        advance(
            render, S.IN_PROGRESS, S.FAILED, detail={"code": error.code}, **_error_fields(error)
        )
    else:
        if timezone.now() - (render.submitted_at or render.created_at) > RENDER_DEADLINE:
            advance(
                render,
                S.IN_PROGRESS,
                S.FAILED,
                billed=None,
                next_poll_at=None,
                error_code="timeout",
                error_message="The provider did not finish this take within 6 hours. It "
                "may still have been billed; check the provider's dashboard.",
            )
            return
        Render.objects.filter(pk=render.pk, status=S.IN_PROGRESS).update(
            progress=max(render.progress, min(99, status.progress)),
            polls=render.polls + 1,
            updated_at=timezone.now(),
            **_due_in(_poll_delay(provider, render.polls)),
        )


# --------------------------------------------------------------------------- store


def store(render_id: int) -> None:
    """Stream the result to a temporary file while hashing, check it with ffmpeg, make a
    thumbnail, upload both; only then is the take completed."""
    render = _load(render_id)
    if render is None or render.status != S.STORING:
        return
    now = timezone.now()
    claimed = Render.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=render.pk, status=S.STORING
    ).update(lease_until=now + STORE_LEASE, attempts=render.attempts + 1)
    if not claimed:
        return  # another worker is storing it
    render.attempts += 1
    provider = get_provider(render.provider)
    spooled = thumb = None
    try:
        try:
            with provider.open_result(render.provider_job_id, "video") as chunks:
                spooled = storage.spool(chunks)
        except ProviderError as error:
            if error.permanent:
                if error.code == "expired":
                    error.message = (
                        "The provider deleted the video before Reelroom could "
                        "store it. Generate the take again."
                    )
                advance(
                    render,
                    S.STORING,
                    S.EXPIRED if error.code == "expired" else S.FAILED,
                    **_error_fields(error, billed=render.billed),
                )
                return
            raise
        try:
            info = media.probe(spooled.path)
        except media.MediaError:
            advance(
                render,
                S.STORING,
                S.FAILED,
                billed=render.billed,
                lease_until=None,
                next_poll_at=None,
                error_code="unreadable",
                error_message="The provider sent a file that is not a playable video. "
                "Generate the take again.",
            )
            return
        thumb = _thumbnail(render, provider, spooled.path)
        prefix = f"{render.shot.storage_prefix()}/take-{render.take}-{render.pk}"
        video_key = storage.put(f"{prefix}.mp4", spooled.path)
        thumb_key = storage.put(f"{prefix}.jpg", thumb) if thumb else ""
        sprite_key = _store_extra(provider, render, "spritesheet", f"{prefix}-sprites.jpg")
    except Exception as error:  # storage or network trouble: retried, never completed
        delay = min(MAX_STORE_DELAY, 5 * 2 ** min(render.attempts, 6))
        Render.objects.filter(pk=render.pk, status=S.STORING).update(
            lease_until=None, **_due_in(delay)
        )
        note(render, "store_retry", {"error": error.__class__.__name__, "retry_in_seconds": delay})
        logger.warning(
            "storing take %s failed (%s); retrying in %ss",
            render.pk,
            error.__class__.__name__,
            delay,
        )
        return
    finally:
        for path in (spooled.path if spooled else None, thumb):
            if path:
                path.unlink(missing_ok=True)
    done = advance(
        render,
        S.STORING,
        S.COMPLETED,
        detail={"bytes": spooled.size},
        video_key=video_key,
        thumbnail_key=thumb_key,
        spritesheet_key=sprite_key,
        bytes=spooled.size,
        sha256=spooled.sha256,
        duration_ms=info.duration_ms,
        width=info.width,
        height=info.height,
        fps=info.fps,
        has_audio=info.has_audio,
        completed_at=timezone.now(),
        progress=100,
        lease_until=None,
        next_poll_at=None,
    )
    if not done:
        storage.delete_quietly([video_key, thumb_key, sprite_key])
        return
    try:
        provider.cleanup(render.provider_job_id)
    except Exception:  # noqa: BLE001 - the take is stored; provider-side cleanup is optional
        logger.warning("provider cleanup for take %s failed", render.pk, exc_info=True)


def _store_extra(provider, render: Render, variant: str, key: str) -> str:
    """A provider's extra file (a spritesheet), if it has one; a take never fails for it."""
    if variant not in provider.extra_variants:
        return ""
    spooled = None
    try:
        with provider.open_result(render.provider_job_id, variant) as chunks:
            spooled = storage.spool(chunks)
        return storage.put(key, spooled.path)
    except ProviderError as error:
        note(render, "extra_missing", {"variant": variant, "code": error.code})
        return ""
    finally:
        if spooled:
            spooled.path.unlink(missing_ok=True)


def _thumbnail(render: Render, provider, video_path):
    out = video_path.with_suffix(".jpg")
    try:
        return media.thumbnail(video_path, out, at_seconds=min(1.0, render.seconds / 2))
    except media.MediaError:
        return None


# --------------------------------------------------------------------------- cancel


def request_cancel(render: Render, user) -> bool:
    """Cancel a take while it is queued or in progress. Returns False when it is too late."""
    from generation import tasks

    who = {"by": user.get_username() if user else ""}
    if advance(render, S.QUEUED, S.CANCELLED, detail=who, billed=False, next_poll_at=None):
        return True
    now = timezone.now()
    marked = Render.objects.filter(
        pk=render.pk,
        status__in=[S.SUBMITTING, S.RECONCILING, S.IN_PROGRESS],
        cancel_requested_at__isnull=True,
    ).update(cancel_requested_at=now, next_poll_at=now)
    if marked:
        render.refresh_from_db()
        note(render, "cancel_requested", who)
        transaction.on_commit(lambda: tasks.enqueue("cancel", render.pk))
    return bool(marked)


def cancel(render_id: int) -> None:
    render = _load(render_id)
    if render is None or render.status != S.IN_PROGRESS or not render.cancel_requested_at:
        return  # submitting / reconciling takes are cancelled once their job is known
    _cancel_in_progress(render, get_provider(render.provider))


def _cancel_in_progress(render: Render, provider) -> None:
    try:
        provider.cancel(render.provider_job_id)
    except ProviderError as error:
        note(render, "cancel_error", {"code": error.code})
    free = provider.free
    advance(
        render,
        S.IN_PROGRESS,
        S.CANCELLED,
        billed=False if free else None,
        next_poll_at=None,
        error_message="" if free else "Cancelled while rendering; the provider may still bill it.",
    )


# --------------------------------------------------------------------------- sweep


HANDLERS = {S.QUEUED: submit, S.RECONCILING: reconcile, S.IN_PROGRESS: poll, S.STORING: store}


def sweep_once(now=None) -> int:
    """Handle every take that is due, at most `provider.concurrency` per provider; then reap.
    Due takes are claimed by conditional update, so two sweeps at once are harmless and a
    sweep that dies leaves them due again after CLAIM."""
    now = now or timezone.now()
    reap(now)
    due = (
        Render.objects.filter(status__in=list(HANDLERS), next_poll_at__lte=now)
        .order_by("next_poll_at")
        .values_list("pk", "status", "provider", "next_poll_at")[:500]
    )
    per_provider: dict[str, list[tuple[int, str]]] = {}
    for pk, status, provider_name, due_at in due:
        batch = per_provider.setdefault(provider_name, [])
        try:
            limit = get_provider(provider_name).concurrency
        except ProviderError:
            continue
        if len(batch) >= limit:
            continue
        claimed = Render.objects.filter(pk=pk, status=status, next_poll_at=due_at).update(
            next_poll_at=timezone.now() + CLAIM
        )
        if claimed:
            batch.append((pk, status))
    work = [item for batch in per_provider.values() for item in batch]
    threads = getattr(settings, "STUDIO_SWEEP_THREADS", 1)
    if threads <= 1 or len(work) <= 1:
        for pk, status in work:
            _handle(pk, status)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda item: _handle_in_thread(*item), work))
    return len(work)


def _handle(pk: int, status: str) -> None:
    try:
        HANDLERS[status](pk)
    except Exception:
        logger.exception("handling take %s (%s) failed; it stays due", pk, status)


def _handle_in_thread(pk: int, status: str) -> None:
    close_old_connections()
    try:
        _handle(pk, status)
    finally:
        from django.db import connection

        connection.close()


def reap(now=None) -> None:
    """Reconcile takes stuck past a deadline. Nothing is dropped silently: every action is
    recorded on the take."""
    now = now or timezone.now()
    for render in Render.objects.filter(status=S.SUBMITTING, updated_at__lt=now - SUBMIT_DEADLINE):
        advance(
            render,
            S.SUBMITTING,
            S.RECONCILING,
            kind="reaped",
            detail={"reason": "still submitting after the deadline (a worker died?)"},
            next_poll_at=now,
        )
    lost = Render.objects.filter(
        status=S.QUEUED, next_poll_at__isnull=True, updated_at__lt=now - LOST_QUEUE_DEADLINE
    )
    for render in lost:
        if Render.objects.filter(pk=render.pk, status=S.QUEUED, next_poll_at__isnull=True).update(
            next_poll_at=now
        ):
            note(render, "reaped", {"reason": "queued without a task: sent again"})
    for status in (S.IN_PROGRESS, S.STORING, S.RECONCILING):
        stale = Render.objects.filter(status=status, next_poll_at__isnull=True)
        for render in stale:
            if Render.objects.filter(pk=render.pk, status=status, next_poll_at__isnull=True).update(
                next_poll_at=now
            ):
                note(render, "reaped", {"reason": f"{status} without a next check"})
