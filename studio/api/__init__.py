"""/api/v1/: what a person can do in the pages, for scripts and other systems (django-ninja:
typed operations and their OpenAPI document from the same pydantic models). Every operation
is a bearer token's, checks the token's scope and then the same access layer as the pages
(studio.team.access), and answers errors as application/problem+json."""

from studio.api.app import api

__all__ = ["api"]
