"""The read-only guard: every client a scan makes refuses operations that could change the account.

It is a botocore ``provide-client-params`` handler registered on the scan's session, so it runs for
every client built from that session before the request is built, signed or sent, and before any
``before-call`` handler (botocore's Stubber answers there, so a guard on ``before-call`` could be
skipped).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

READ_PREFIXES = ("Describe", "Get", "List", "Lookup", "Search", "Head", "BatchGet")

# Reads whose names sound like writes: they create no resource and change no configuration.
READ_ALLOW = frozenset(
    {
        ("iam", "GenerateCredentialReport"),
        ("iam", "GenerateServiceLastAccessedDetails"),
        ("iam", "SimulatePrincipalPolicy"),
    }
)

# Reads that would bring secret material into the scan: refused even though they change nothing.
SECRET_READS = frozenset(
    {
        ("secretsmanager", "GetSecretValue"),
        ("secretsmanager", "BatchGetSecretValue"),
        ("ssm", "GetParameter"),
        ("ssm", "GetParameters"),
        ("ssm", "GetParametersByPath"),
        ("s3", "GetObject"),
        ("ec2", "GetPasswordData"),
        ("ec2", "GetConsoleOutput"),
        ("lambda", "GetFunction"),
        ("kms", "GetParametersForImport"),
        ("ecr", "GetAuthorizationToken"),
        ("sts", "GetSessionToken"),
        ("sts", "GetFederationToken"),
    }
)


class ReadOnlyViolation(RuntimeError):
    """Raised before a request is sent when a scan client is asked to do something that is not a read."""


def is_read_operation(service: str, operation: str) -> bool:
    """True when a scan may call ``operation`` of ``service``."""
    if (service, operation) in SECRET_READS:
        return False
    if (service, operation) in READ_ALLOW:
        return True
    return operation.startswith(READ_PREFIXES)


class ReadOnlyGuard:
    """Refuses non-read operations and counts every call (one per page) by operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        operation = model.name
        if not is_read_operation(service, operation):
            raise ReadOnlyViolation(f"wa-scan is read-only: refused {service}:{operation}")
        with self._lock:
            self.calls[f"{service}:{operation}"] += 1

    def install(self, session: Any) -> None:
        """Register on a boto3 or botocore session; every client made from it afterwards is guarded."""
        events = session.events if hasattr(session, "events") else session.get_component("event_emitter")
        events.register("provide-client-params", self, unique_id="wa-scan-read-only-guard")

    @property
    def total(self) -> int:
        """All calls made so far."""
        with self._lock:
            return sum(self.calls.values())

    def snapshot(self) -> dict[str, Any]:
        """Calls per operation and in total, for ``scan.json``."""
        with self._lock:
            per = dict(sorted(self.calls.items()))
        return {"total": sum(per.values()), "by_operation": per}
