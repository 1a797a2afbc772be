"""Provider webhooks: no login, no CSRF (the providers sign or carry a secret instead). A bad
signature gets 400 and changes nothing."""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from generation import webhooks

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def openai_hook(request):
    try:
        due = webhooks.receive_openai(request.headers, request.body)
    except webhooks.WebhookRejected as rejected:
        logger.warning("refused an OpenAI webhook: %s", rejected)
        return HttpResponseBadRequest(f"refused: {rejected}")
    return HttpResponse(f"ok ({due} take{'s' if due != 1 else ''} due)")


@csrf_exempt
@require_POST
def runware_hook(request, token: str):
    try:
        webhooks.receive_runware(token)
    except webhooks.WebhookRejected as rejected:
        logger.warning("refused a Runware webhook: %s", rejected)  # never log the token
        return HttpResponseBadRequest("refused")
    return HttpResponse("ok")
