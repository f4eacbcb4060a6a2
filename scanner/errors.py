"""Errors that end a command, and the error that turns a failed AWS read into 'not assessed'."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from scanner.model import Reason
from scanner.permissions import iam_action


class WaScanError(Exception):
    """An error the CLI reports as one line; ``exit_code`` says how the process ends."""

    exit_code = 2


class UsageError(WaScanError):
    """Bad command-line input or a bad input file."""


class CredentialsError(WaScanError):
    """No usable AWS credentials (unknown profile, expired SSO token, none at all)."""


class NotAssessed(Exception):
    """A read that could not be made; the check that needed it reports *not assessed*, never a pass."""

    def __init__(self, reason: Reason, detail: str, missing_permission: str | None = None,
                 code: str | None = None, operation: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.missing_permission = missing_permission
        self.code = code
        self.operation = operation  # "service:Operation" of the read that failed, when one did


ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "403",
    }
)
NOT_ENABLED_CODES = frozenset(
    {
        "OptInRequired",
        "SubscriptionRequiredException",
        "InvalidClientTokenId",  # what a region the account has not opted into answers
        "UnrecognizedClientException",
        "AWSOrganizationsNotInUseException",
        "InvalidAccessException",  # Security Hub not enabled
        "BadRequestException",  # Detective and others when the service is not set up
        "UninitializedAccountException",  # Elastic Disaster Recovery never initialised in the region
    }
)
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "SlowDown",
    }
)


def classify(exc: BaseException, service: str, operation: str, region: str) -> NotAssessed:
    """Turn an exception from a botocore call into the ``NotAssessed`` that explains it."""
    error = _classify(exc, service, operation, region)
    error.operation = f"{service}:{operation}"
    return error


def _classify(exc: BaseException, service: str, operation: str, region: str) -> NotAssessed:
    where = f"{service}:{operation} in {region}"
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        message = (err.get("Message") or "").strip()
        if code in ACCESS_DENIED_CODES:
            action = iam_action(service, operation)
            return NotAssessed(Reason.ACCESS_DENIED, f"access denied to {action} ({where})", action, code)
        if code in NOT_ENABLED_CODES:
            return NotAssessed(Reason.NOT_ENABLED, f"{code}: service not enabled or not subscribed ({where})",
                               None, code)
        if code in THROTTLING_CODES:
            return NotAssessed(Reason.THROTTLED, f"throttled after retries ({where})", None, code)
        detail = f"{code}: {message}" if message else code
        return NotAssessed(Reason.API_ERROR, f"{detail} ({where})", None, code)
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return NotAssessed(Reason.UNREACHABLE, f"endpoint did not answer ({where})", None, type(exc).__name__)
    if isinstance(exc, NotImplementedError):
        return NotAssessed(Reason.API_ERROR, f"operation not implemented by the endpoint ({where})", None,
                           "NotImplemented")
    return NotAssessed(Reason.API_ERROR, f"{type(exc).__name__}: {exc} ({where})", None, type(exc).__name__)
