"""Errors that end a command, and the error that turns a failed AWS read into 'not assessed'."""

from __future__ import annotations

import http.client

import urllib3.exceptions
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.parsers import ResponseParserError

from scanner.answers import DamagedAnswer, one_line
from scanner.model import Reason
from scanner.permissions import iam_action


class WaScanError(Exception):
    """An error the CLI reports as one line; ``exit_code`` says how the process ends."""

    exit_code = 2


class UsageError(WaScanError):
    """Bad command-line input or a bad input file."""


class CredentialsError(WaScanError):
    """No usable AWS credentials (unknown profile, expired SSO token, none at all)."""


class TransientError(WaScanError):
    """AWS could not be asked right now (a damaged or missing answer, throttling, an endpoint down):
    trying again later may work. Exits like a partial scan."""

    exit_code = 3


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
# 403s that are not about permissions: the request itself was refused (its signature, its clock, its
# credentials), so adding a permission would not help.
SIGNATURE_CODES = frozenset(
    {
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "RequestExpired",
        "RequestTimeTooSkewed",
        "RequestInTheFuture",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"})
# Exceptions that mean the answer arrived damaged (cut short, unparseable, not of its shape): worth
# asking again, and never data.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    DamagedAnswer,
    ResponseParserError,
    IncompleteReadError,
    ResponseStreamingError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.DecodeError,
    http.client.IncompleteRead,
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
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        code = str(err.get("Code") or status)
        message = one_line(err.get("Message") or "")
        if code in SIGNATURE_CODES:
            return NotAssessed(Reason.API_ERROR, f"AWS refused the request's signature ({code}): check the clock "
                               f"and the credentials, a permission would not help ({where})", None, code)
        if code in EXPIRED_CODES:
            return NotAssessed(Reason.API_ERROR, f"the credentials expired during the scan ({code}): renew them "
                               f"and scan again ({where})", None, code)
        if code in ACCESS_DENIED_CODES:
            action = iam_action(service, operation)
            return NotAssessed(Reason.ACCESS_DENIED, f"access denied to {action} ({where})", action, code)
        if code in NOT_ENABLED_CODES:
            return NotAssessed(Reason.NOT_ENABLED, f"{code}: service not enabled or not subscribed ({where})",
                               None, code)
        if code in THROTTLING_CODES:
            return NotAssessed(Reason.THROTTLED, f"throttled after retries ({where})", None, code)
        # An endpoint's error page (a proxy, a load balancer) reduced to status, code and its first line.
        prefix = f"{status} {code}" if status and str(status) != code else code
        detail = f"{prefix}: {message}" if message and message != code else prefix
        return NotAssessed(Reason.API_ERROR, f"{detail} ({where})", None, code)
    if isinstance(exc, DAMAGE_ERRORS):
        why = one_line(str(exc), 120) if isinstance(exc, DamagedAnswer) else _damage_text(exc)
        return NotAssessed(Reason.API_ERROR, f"damaged answer, still damaged after retries: {why} ({where})",
                           None, "DamagedAnswer")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return NotAssessed(Reason.UNREACHABLE, f"endpoint did not answer ({where})", None, type(exc).__name__)
    if isinstance(exc, NotImplementedError):
        return NotAssessed(Reason.API_ERROR, f"operation not implemented by the endpoint ({where})", None,
                           "NotImplemented")
    return NotAssessed(Reason.API_ERROR, f"{type(exc).__name__}: {one_line(str(exc), 120)} ({where})", None,
                       type(exc).__name__)


def _damage_text(exc: BaseException) -> str:
    if isinstance(exc, ResponseParserError):
        return "the answer could not be parsed (invalid XML or JSON)"
    return f"the connection broke while the answer was read ({type(exc).__name__})"
