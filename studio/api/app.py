"""The API object: its operations, authentication, errors and interactive documentation."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from ninja import Swagger

from studio.api import campaigns, delivery, shots, takes
from studio.api.core import ObjectParser, StudioAPI, TokenAuth, install_errors


def members_or_tokens(view):
    """The schema and its page: for a signed-in member, or a request with a valid token."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated or TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return guarded


api = StudioAPI(
    title="Reelroom API",
    version="1",
    description=(
        "Campaigns, shots, plans, takes, decisions, spots, versions, delivery and spend. "
        "Authenticate with `Authorization: Bearer rr_…` (a token from the workspace's API "
        "page); each operation says the scope it needs. Errors are "
        "`application/problem+json` (RFC 9457). Lists are cursor pages: pass `next` back as "
        "`cursor`."
    ),
    auth=TokenAuth(),
    parser=ObjectParser(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    docs_decorator=members_or_tokens,
)
install_errors(api)
for module in (campaigns, shots, takes, delivery):
    api.add_router("/", module.router)
