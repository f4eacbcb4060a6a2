"""Compute Optimizer recommendations, every page, for the rightsizing and idle-resource checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.api import CheckContext

OPT_IN = "OptInRequiredException"


def all_pages(ctx: CheckContext, operation: str, key: str, *, required: Iterable[str] = ()
              ) -> list[dict[str, Any]] | None:
    """The ``key`` list of every page of ``operation`` in the region; ``None`` when the account has not
    opted in to Compute Optimizer."""
    out: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"nextToken": token} if token else {}
        # botocore has no paginator for these operations: follow nextToken, one cached read per page.
        page = ctx.call("compute-optimizer", operation, absent=(OPT_IN,), required=tuple(required), **params)
        if page is None:
            return None
        out.extend(page.get(key, []))
        token = page.get("nextToken")
        if not token:
            return out
