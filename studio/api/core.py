"""The API's frame: bearer tokens (with their rate limit and audit entry), errors as
`application/problem+json` (RFC 9457) with field errors, the scope check every operation
makes, and cursor pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django_ratelimit.core import get_usage
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from studio.models import ApiToken, Area
from studio.team import audit, tokens
from studio.team.access import SCOPE_ACTIONS

PROBLEM = "application/problem+json"
MAX_PAGE_SIZE = 200


class FieldError(Schema):
    field: str
    detail: str


class Problem(Schema):
    """An error (RFC 9457): `title` says what kind, `detail` what to do; `errors` name the
    fields of the request that were refused."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


ERRORS: dict[int, Any] = {c: Problem for c in (400, 401, 403, 404, 409, 422, 429)}


class ApiProblem(Exception):
    def __init__(self, status: int, detail: str = "", errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or {}


class RateLimited(Exception):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def form_problem(form, prefix: str = "") -> ApiProblem:
    """A Django form's errors (the pages' own checks) as a 422 with field errors; a formset's
    as `<prefix>.<row>.<field>`."""
    if hasattr(form, "forms"):  # a formset
        errors = (
            {prefix: [str(m) for m in form.non_form_errors()]} if form.non_form_errors() else {}
        )
        for i, row in enumerate(form.forms):
            for k, v in row.errors.items():
                errors[f"{prefix}.{i}" + ("" if k == "__all__" else f".{k}")] = [str(m) for m in v]
    else:
        errors = {
            ("" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()
        }
    first = next((m for ms in errors.values() for m in ms), "The request is invalid.")
    return ApiProblem(422, first, errors)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.find(token.strip())
        if found is None:
            return None
        usage = get_usage(
            request,
            group="api-token",
            key=lambda _group, _request: found.prefix,
            rate=settings.STUDIO_API_RATE,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            raise RateLimited(max(int(usage["time_left"]), 1))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        audit.record(
            Area.ACCESS,
            "api.call",
            workspace_id=found.workspace_id,
            target=f"{request.method} {request.path}"[:300],
            changes={"token": found.prefix},
            actor=f"{found.user.get_username()} (token {found.prefix}…)",
            actor_id=found.user_id,
        )
        return found


def allow(request: HttpRequest, scope: str, action: str | None = None) -> ApiToken:
    """The request's token, if it carries `scope` (and, when given, the scope covers
    `action`); else 403. The member's role is checked by the access layer's getters."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise ApiProblem(403, f"This token lacks the “{scope}” scope.")
    if action is not None and action not in SCOPE_ACTIONS[scope]:
        raise ApiProblem(403, f"The “{scope}” scope does not cover {action.replace('_', ' ')}.")
    return token


class ObjectParser(Parser):
    """A request's body is one JSON object (an array or a bare value is a 400, never read as
    something else)."""

    def parse_body(self, request: HttpRequest):
        try:
            data = json.loads(request.body)
        except ValueError:
            raise HttpError(400, "The body is not JSON.") from None
        if not isinstance(data, dict):
            raise HttpError(400, "The body must be a JSON object.")
        return data


class StudioAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Errors are documented as what they are: `application/problem+json`."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
        return schema


def problem(status: int, detail: str = "", errors: dict | None = None, **headers) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": [
            {"field": field, "detail": message}
            for field, messages in (errors or {}).items()
            for message in messages
        ],
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(p) for p in error.get("loc", ())]
        if location[:1] == ["body"] and len(location) > 2:
            location = location[1:]  # ("body", <the parameter>, field…): the field's path
        field = ".".join(location[1:] if len(location) > 1 else location)
        errors.setdefault(field, []).append(str(error.get("msg", "invalid")))
    first = next(iter(errors), "")
    return problem(422, f"{first}: {errors[first][0]}" if first else "Invalid request.", errors)


def install_errors(api: NinjaAPI) -> None:
    api.add_exception_handler(NinjaValidationError, _validation)
    api.add_exception_handler(
        AuthenticationError,
        lambda r, e: problem(
            401, "Send a valid API token: Authorization: Bearer rr_…", WWW_Authenticate="Bearer"
        ),
    )
    api.add_exception_handler(HttpError, lambda r, e: problem(e.status_code, str(e)))
    api.add_exception_handler(ApiProblem, lambda r, e: problem(e.status, e.detail, e.errors))
    api.add_exception_handler(Http404, lambda r, e: problem(404, "No such thing here."))
    api.add_exception_handler(
        MultiPartParserError, lambda r, e: problem(400, "The multipart body cannot be read.")
    )
    api.add_exception_handler(
        PermissionDenied, lambda r, e: problem(403, str(e) or "Your role may not do this.")
    )
    api.add_exception_handler(
        RateLimited,
        lambda r, e: problem(
            429, f"Too many requests; try again in {e.wait} s.", Retry_After=str(e.wait)
        ),
    )


# --------------------------------------------------------------------------- cursor pages


class Page(Schema):
    next: str | None = Field(None, description="The cursor of the next page; none: the last")


# A page's cursor: where the previous page ended (the rows go on after it, whatever was added
# or removed meanwhile). Opaque to a client; any cursor of this shape is a valid position.
Cursor = Annotated[
    str | None, Query(description="`next` of the previous page", pattern=r"^[1-9][0-9]{0,17}$")
]


MAX_ID = 2**63 - 1  # the databases' bigint: a larger id is no row, never an overflow
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def cursor_of(pk: int) -> str:
    return str(pk)


def after_id(cursor: str | None) -> int | None:
    return int(cursor) if cursor else None


def page_of(
    queryset, cursor: str | None, limit: int, oldest_first: bool = False
) -> tuple[list, str | None]:
    """One page in a stable order (by id, newest first unless asked: keyset, so a page costs
    the same at any depth) and the cursor of the next, if any. The page's ids are found first
    (an index holds them: sorting ids, not whole rows, keeps a big workspace's first page
    fast), then its rows: two queries whatever the size."""
    limit = min(max(limit, 1), MAX_PAGE_SIZE)
    after = after_id(cursor)
    if after is not None:
        queryset = queryset.filter(pk__gt=after) if oldest_first else queryset.filter(pk__lt=after)
    order = "pk" if oldest_first else "-pk"
    ids = list(queryset.order_by(order).values_list("pk", flat=True)[: limit + 1])
    more = len(ids) > limit
    ids = ids[:limit]
    rows = list(queryset.filter(pk__in=ids).order_by(order))  # no ids: no query at all
    return rows, cursor_of(ids[-1]) if more and ids else None


def items(rows: Iterable, out) -> list:
    return [out.of(row) for row in rows]
