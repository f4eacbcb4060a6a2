"""Push confirmed review answers to the AWS Well-Architected Tool.

This is the only part of wa-scan that writes to AWS, and it writes only to the ``wellarchitected``
service: its client comes from a separate boto3 session (never the scan's read-only one) carrying a
guard that refuses every other service before a request is built.

For each question with a confirmed answer it reads the current answer (GetAnswer), merges the
review into it and sends UpdateAnswer only when something differs: the full ``SelectedChoices``
list (choices a person set in the console are kept unless the review decided them) and
``ChoiceUpdates`` for the choices the review decided. Notes carry a short evidence summary inside
a ``[wa-scan]`` block; text a person wrote around that block is kept.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from scanner.answers import one_line
from scanner.errors import ACCESS_DENIED_CODES, THROTTLING_CODES, CredentialsError, UsageError, WaScanError
from scanner.review.decisions import Decision, choice_findings, format_choice, lens_catalogue

SERVICE = "wellarchitected"
LENS_ALIAS = "wellarchitected"
QUESTION_NOTES_MAX = 2084
CHOICE_NOTES_MAX = 250
BLOCK_START, BLOCK_END = "[wa-scan]", "[/wa-scan]"
_BLOCK = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END), re.S)
STATUS_API = {"selected": "SELECTED", "unselected": "UNSELECTED", "not_applicable": "NOT_APPLICABLE"}
ATTEMPTS = 4
PERMISSIONS = ("wellarchitected:GetAnswer", "wellarchitected:UpdateAnswer", "wellarchitected:ListWorkloads",
               "wellarchitected:CreateWorkload", "wellarchitected:CreateMilestone")
_sleep: Callable[[float], None] = time.sleep


class PushError(WaScanError):
    """The push could not finish; what was written before stays written."""

    exit_code = 3


class WriteGuardViolation(RuntimeError):
    """The push client was asked to call a service other than the WA Tool."""


class WellArchitectedOnly:
    """A botocore ``provide-client-params`` handler refusing every service but ``wellarchitected``.

    ``provide-client-params`` is the first event of every API call and is emitted to every handler
    (unlike ``before-call``, where the first handler to answer wins), so no handler registered later,
    botocore's Stubber included, can answer a call before the guard has seen it.
    """

    def __call__(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if service != SERVICE:
            raise WriteGuardViolation(f"the WA Tool push may only call {SERVICE}; refused {service}:{model.name}")

    def install(self, session: boto3.Session) -> None:
        """Register on ``session``; every client made from it afterwards is guarded."""
        session.events.register_first("provide-client-params", self, unique_id="wa-scan-wellarchitected-only")


def push_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A new boto3 session for the push, separate from any scan session, guarded to the WA Tool only."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region) if profile else \
            boto3.Session(region_name=region)
    except ProfileNotFound:
        raise CredentialsError(f"unknown AWS profile {profile!r}") from None
    WellArchitectedOnly().install(session)
    return session


def push_client(session: boto3.Session) -> Any:
    """The WA Tool client of a push session (standard retries; throttling is retried again on top)."""
    try:
        return session.client(SERVICE, config=Config(retries={"mode": "standard", "max_attempts": 3}))
    except NoRegionError:
        raise UsageError("no AWS region for the WA Tool: pass --region or set AWS_DEFAULT_REGION") from None


def merge_notes(existing: str | None, block: str, limit: int) -> str:
    """``existing`` with its ``[wa-scan]`` block replaced by ``block``, within ``limit`` characters.

    Text a person wrote is never cut: when it leaves too little room, the block is shortened, or
    left out entirely.
    """
    human = _BLOCK.sub("", existing or "").strip()
    sep = "\n\n" if human else ""
    room = limit - len(human) - len(sep)
    wrapper = len(BLOCK_START) + len(BLOCK_END) + 2
    if room < wrapper + 12:
        return human[:limit]
    body = " ".join(block.split())
    if len(body) + wrapper > room:
        body = body[: room - wrapper - 1].rstrip() + "\u2026"
    return f"{human}{sep}{BLOCK_START} {body} {BLOCK_END}"


def question_summary(decision: Decision, suggestion: dict[str, Any] | None, findings: dict[str, dict[str, Any]],
                     scan: dict[str, Any], report: str | None) -> str:
    """The question notes' evidence block: who confirmed what, on which evidence, and where the report is."""
    parts = [f"Confirmed by {decision.reviewer} on {decision.decided_at[:10]} from scan {scan.get('scan_id', '')}."]
    if suggestion is not None:
        parts.append(f"Suggested risk {suggestion.get('risk', 'UNKNOWN')}.")
        fs = list({f["id"]: f for c in suggestion.get("choices") or [] for f in choice_findings(c, findings)}.values())
        fails = [f for f in fs if f["status"] == "fail"]
        if fs:
            parts.append(f"Evidence: {len(fails)} failing, {len(fs) - len(fails)} other findings.")
        for f in sorted(fails, key=lambda f: (f["check"], f.get("resource", "")))[:3]:
            parts.append(f"{f['check']}: {f['message']}.")
    if decision.note:
        parts.append(f"Reviewer: {decision.note}")
    parts.append(f"Report: {report or 'wa-scan show ' + str(scan.get('scan_id', ''))}")
    return " ".join(parts)


def choice_summary(choice: dict[str, Any] | None, findings: dict[str, dict[str, Any]]) -> str | None:
    """A choice's evidence block (or None when the choice has no findings behind it)."""
    if not choice:
        return None
    fs = choice_findings(choice, findings)
    if not fs:
        return None
    fails = [f for f in fs if f["status"] == "fail"]
    text = f"{len(fails)} of {len(fs)} findings fail"
    if fails:
        text += f", e.g. {fails[0]['message']}"
    return text


def current_state(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """choice id -> {Status, Reason, Notes} as the WA Tool holds it now."""
    state: dict[str, dict[str, Any]] = {c: {"Status": "SELECTED"} for c in answer.get("SelectedChoices") or []}
    for ca in answer.get("ChoiceAnswers") or []:
        state[ca["ChoiceId"]] = {k: ca[k] for k in ("Status", "Reason", "Notes") if ca.get(k) is not None}
    return state


def plan_update(workload_id: str, decision: Decision, answer: dict[str, Any], *, suggestion: dict[str, Any] | None,
                findings: dict[str, dict[str, Any]], scan: dict[str, Any], report: str | None,
                lens_alias: str = LENS_ALIAS) -> tuple[dict[str, Any] | None, list[str]]:
    """The UpdateAnswer request that brings ``answer`` in line with ``decision`` (None when nothing differs).

    Returns the request and the changes in words, for the reviewer to see before anything is written.
    """
    now = current_state(answer)
    selected = list(answer.get("SelectedChoices") or [])
    want = {cid: {"Status": STATUS_API[v["status"]], **({"Reason": v["reason"].upper()} if v.get("reason") else {})}
            for cid, v in decision.choices.items()}
    none_choice = lens_catalogue(scan).get(decision.question, {}).get("none_choice")
    new_selected = [c for c in selected if want.get(c, {"Status": "SELECTED"})["Status"] == "SELECTED"]
    new_selected += [c for c, w in want.items() if w["Status"] == "SELECTED" and c not in new_selected]
    if none_choice and none_choice not in want and any(c != none_choice for c in new_selected) \
            and none_choice in new_selected:
        # "None of these" cannot stand beside a best practice the review says is in place.
        new_selected.remove(none_choice)
        want[none_choice] = {"Status": "UNSELECTED"}
    by_choice = {c["choice"]: c for c in (suggestion or {}).get("choices") or []}
    updates: dict[str, dict[str, Any]] = {}
    changes: list[str] = []
    for cid, w in want.items():
        cur = now.get(cid, {"Status": "UNSELECTED"})
        block = choice_summary(by_choice.get(cid), findings)
        notes = merge_notes(cur.get("Notes"), block, CHOICE_NOTES_MAX) if block else cur.get("Notes")
        status_changed = (w["Status"], w.get("Reason")) != (cur["Status"], cur.get("Reason") if
                                                             cur["Status"] == "NOT_APPLICABLE" else None)
        if status_changed or (notes or "") != (cur.get("Notes") or ""):
            updates[cid] = {**w, **({"Notes": notes} if notes is not None else {})}
        if status_changed:
            was = _api_label(cur)
            changes.append(f"{cid}: {was} -> {_api_label(w)}")
    notes = merge_notes(answer.get("Notes"), question_summary(decision, suggestion, findings, scan, report),
                        QUESTION_NOTES_MAX)
    notes_changed = notes != (answer.get("Notes") or "")
    if notes_changed:
        changes.append("notes: evidence summary " + ("updated" if BLOCK_START in (answer.get("Notes") or "")
                                                     else "added"))
    if not updates and not notes_changed and set(new_selected) == set(selected):
        return None, []
    request: dict[str, Any] = {"WorkloadId": workload_id, "LensAlias": lens_alias, "QuestionId": decision.question,
                               "SelectedChoices": new_selected}
    if updates:
        request["ChoiceUpdates"] = updates
    request["Notes"] = notes
    return request, changes


def _api_label(state: dict[str, Any]) -> str:
    status = {"SELECTED": "selected", "UNSELECTED": "unselected", "NOT_APPLICABLE": "not_applicable"}[state["Status"]]
    return format_choice({"status": status, **({"reason": state["Reason"].lower()}
                                               if status == "not_applicable" and state.get("Reason") else {})})


@dataclass
class PushResult:
    """What a push did (or, with ``dry_run``, would do)."""

    workload_id: str
    created: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    milestone: int | None = None


def lens_alias_for(scan: dict[str, Any], lens_arn: str | None = None) -> str | None:
    """The WA Tool's name for the scan's lens: ``wellarchitected``, or ``lens_arn`` for a custom lens.

    The WA Tool knows a custom lens by the ARN it gave the lens on import, which the scan cannot know;
    None means a custom lens without one.
    """
    alias = (scan.get("lens") or {}).get("alias") or LENS_ALIAS
    if alias == LENS_ALIAS:
        return lens_arn or LENS_ALIAS
    return lens_arn


class Pusher:
    """Talks to the WA Tool through one guarded client; every call is retried on throttling."""

    def __init__(self, client: Any, *, out: Callable[[str], None] = print, dry_run: bool = False,
                 lens_alias: str = LENS_ALIAS) -> None:
        self.client = client
        self.lens_alias = lens_alias
        self.out = out
        self.dry_run = dry_run
        self.written = 0

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One WA Tool call: throttling retried with backoff, other errors as one-line ``WaScanError``s."""
        method = getattr(self.client, _snake(operation))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return method(**params)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                # An endpoint's error page (a proxy's HTML) reduced to its first readable line.
                message = one_line(exc.response.get("Error", {}).get("Message") or "")
                if code in THROTTLING_CODES and attempt < ATTEMPTS:
                    _sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
                    continue
                done = f"; {self.written} answers were written before this" if self.written else \
                    "; nothing was written"
                if code in ACCESS_DENIED_CODES:
                    raise CredentialsError(f"access denied to wellarchitected:{operation}{done} (the push needs "
                                           f"{', '.join(PERMISSIONS)})") from None
                if code in THROTTLING_CODES:
                    raise PushError(f"the WA Tool kept throttling wellarchitected:{operation} after {ATTEMPTS} "
                                    f"attempts{done}; run the push again to finish") from None
                if code == "ResourceNotFoundException":
                    raise UsageError(f"wellarchitected:{operation}: {message or 'not found'}{done}") from None
                raise PushError(f"wellarchitected:{operation} failed: {code}: {message}{done}") from None
            except NoCredentialsError:
                raise CredentialsError("no AWS credentials found for the push: pass --profile or set "
                                       "AWS_PROFILE") from None
            except BotoCoreError as exc:
                raise PushError(f"wellarchitected:{operation} failed: {one_line(str(exc))}") from None
        raise AssertionError("unreachable")

    def find_workload(self, name: str) -> str | None:
        """The id of the workload called exactly ``name``, if there is one."""
        token = None
        while True:
            page = self.call("ListWorkloads", WorkloadNamePrefix=name[:100], **({"NextToken": token} if token else {}))
            for w in page.get("WorkloadSummaries") or []:
                if w.get("WorkloadName") == name:
                    return str(w["WorkloadId"])
            token = page.get("NextToken")
            if not token:
                return None

    def create_workload(self, name: str, scan: dict[str, Any], environment: str, owner: str) -> str:
        """Create a workload for the scanned account with the push's lens; returns its id."""
        request = {"WorkloadName": name, "Description": f"AWS account {scan.get('account')}, evidence from wa-scan",
                   "Environment": environment, "AccountIds": [str(scan.get("account"))],
                   "AwsRegions": list(scan.get("regions") or [])[:50], "Lenses": [self.lens_alias],
                   "ReviewOwner": owner[:255] if len(owner) >= 3 else "wa-scan",
                   "ClientRequestToken": str(uuid.uuid4())}
        self.show("CreateWorkload", request)
        if self.dry_run:
            return "(new workload)"
        return str(self.call("CreateWorkload", **request)["WorkloadId"])

    def show(self, operation: str, request: dict[str, Any]) -> None:
        """Print a write request (always in a dry run)."""
        if self.dry_run:
            self.out(f"{operation} " + json.dumps(request, indent=2, ensure_ascii=False))

    def push(self, workload_id: str, decisions: list[Decision], *, suggestions: dict[str, dict[str, Any]],
             findings: dict[str, dict[str, Any]], scan: dict[str, Any], report: str | None,
             new_workload: bool = False, milestone: str | None = None,
             on_change: Callable[[str, list[str]], None] | None = None) -> PushResult:
        """Read, merge and write each decision's question; record ``milestone`` after, if given."""
        result = PushResult(workload_id, created=new_workload)
        for d in decisions:
            answer = {} if new_workload and self.dry_run else self.call(
                "GetAnswer", WorkloadId=workload_id, LensAlias=self.lens_alias, QuestionId=d.question).get("Answer", {})
            request, changes = plan_update(workload_id, d, answer, suggestion=suggestions.get(d.question),
                                           findings=findings, scan=scan, report=report, lens_alias=self.lens_alias)
            if request is None:
                result.unchanged.append(d.question)
                continue
            if on_change:
                on_change(d.question, changes)
            result.requests.append(request)
            self.show("UpdateAnswer", request)
            if not self.dry_run:
                self.call("UpdateAnswer", **request)
                self.written += 1
                result.written.append(d.question)
        if milestone:
            request = {"WorkloadId": workload_id, "MilestoneName": milestone, "ClientRequestToken": str(uuid.uuid4())}
            self.show("CreateMilestone", request)
            if not self.dry_run:
                result.milestone = self.call("CreateMilestone", **request).get("MilestoneNumber")
        return result


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
