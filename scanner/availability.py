"""Which services AWS offers in which region, from botocore's endpoint and partition data (no call made)."""

from __future__ import annotations

import threading

import boto3

_lock = threading.Lock()
_regions: dict[tuple[str, str], frozenset[str]] = {}


def _offered(session: boto3.Session, service: str, partition: str) -> frozenset[str]:
    key = (service, partition)
    with _lock:
        found = _regions.get(key)
        if found is None:
            try:
                found = frozenset(session.get_available_regions(service, partition))
            except Exception:  # no endpoint data for this service: say nothing about it
                found = frozenset()
            _regions[key] = found
        return found


def not_offered(session: boto3.Session, service: str, region: str) -> bool:
    """True only when botocore's data lists ``service`` in ``region``'s partition and not in ``region``.

    A global service (no regional endpoints), a service without endpoint data, or a region botocore does
    not know are never called unavailable: the call is made and its answer decides.
    """
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        if region in _offered(session, "ec2", partition):
            regions = _offered(session, service, partition)
            return bool(regions) and region not in regions
    return False
