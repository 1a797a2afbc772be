"""The bucket's storage: django-storages' S3 backend with uploads bounded in memory.

s3transfer reads each part of an upload from a file object into memory, so an upload holds
about part size × parts read ahead (and botocore holds a second copy while it signs a part):
boto3's default (8 MB parts, 10 read ahead, 10 threads) added ~130 MB to a worker storing a
512 MB take. Three 5 MB parts (S3's smallest) keep it near +60 MB at ~90 % of the speed."""

from __future__ import annotations

from typing import Any

from boto3.s3.transfer import TransferConfig
from storages.backends.s3 import S3Storage

MB = 1024 * 1024
UPLOADS = TransferConfig(multipart_threshold=8 * MB, multipart_chunksize=5 * MB, max_concurrency=3)
# Parts read ahead of the uploads (s3transfer's default: 10); boto3's constructor does not take it.
UPLOADS.max_in_memory_upload_chunks = 3


class MediaStorage(S3Storage):
    def __init__(self, **settings: Any) -> None:
        settings.setdefault("transfer_config", UPLOADS)
        super().__init__(**settings)
