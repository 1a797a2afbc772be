"""Request bodies are refused by their size before they are read: from the declared
Content-Length (a middleware, first in line) and again while an upload streams in (an upload
handler), so a body that lies about its length is cut off as well."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse


def _limit_mb() -> int:
    return settings.STUDIO_MAX_UPLOAD_BYTES // (1024 * 1024)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.headers.get("content-length") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.", status=400)
        if declared > settings.STUDIO_MAX_UPLOAD_BYTES:
            response = HttpResponse(
                f"This upload is {declared / 1024 / 1024:.0f} MB; the limit is {_limit_mb()} MB. "
                "Nothing was saved.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in the body as they arrive."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.STUDIO_MAX_UPLOAD_BYTES:
            raise RequestDataTooBig(f"The upload is larger than {_limit_mb()} MB.")
        return raw_data

    def file_complete(self, file_size):
        return None
