"""The review web application: Starlette routes over one recorded scan and the history database.

Pages are rendered on the server from jinja2 templates with autoescaping on; every form works as a
plain POST, and the small script in ``static/review.js`` only adds keyboard shortcuts and saving
without a reload. ``security.Guard`` wraps the whole application.

A question form is posted with ``action=draft`` (the script does so at every change) to save it as
the question's draft, ``next`` / ``confirm`` to record it as the confirmed decision, or ``reopen``
to undo a confirmation (the decision becomes the draft again). A post without a known action saves
a draft: nothing is confirmed unless the reviewer asked for it. A draft saves every field it can: a
not applicable with no reason yet is kept and named as missing, and only confirming needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from reports.html import FAVICON, base_css
from reports.view import RISK_LABEL, RISKS
from scanner.collect import utcnow_iso
from scanner.history import History
from scanner.review.decisions import NA_REASONS, Decision, Draft
from scanner.review.web.security import CSRF_FIELD, Access, Guard
from scanner.review.web.views import (
    FORM_STATUSES,
    NOTE_MAX,
    REASON_TEXT,
    SHOW_FILTERS,
    STATE_TEXT,
    STATUS_TEXT,
    FormError,
    ReviewData,
)

STATIC_TYPES = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
WORKLOAD_PLACEHOLDER = "WORKLOAD_ID"
_WORKLOAD_ID = re.compile(r"[0-9a-f]{32}")
CONFIRM_ACTIONS = ("next", "confirm")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The jinja2 environment of the review pages: autoescaping always on, undefined names are errors."""
    env = Environment(loader=PackageLoader("scanner.review.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(RISK_LABEL=RISK_LABEL, RISKS=RISKS, STATUS_TEXT=STATUS_TEXT, REASON_TEXT=REASON_TEXT,
                       NA_REASONS=NA_REASONS, FORM_STATUSES=FORM_STATUSES, STATE_TEXT=STATE_TEXT,
                       SHOW_FILTERS=SHOW_FILTERS, NOTE_MAX=NOTE_MAX, CSRF_FIELD=CSRF_FIELD, favicon=FAVICON)
    env.filters["qurl"] = lambda qid: "/q/" + quote(str(qid), safe="")
    return env


@lru_cache(maxsize=1)
def static_files() -> dict[str, bytes]:
    """The only files the server serves: its script, and its stylesheet on top of the reports' one."""
    root = resources.files("scanner.review.web").joinpath("static")
    css = base_css() + "\n" + root.joinpath("review.css").read_text(encoding="utf-8")
    return {"review.js": root.joinpath("review.js").read_bytes(), "review.css": css.encode("utf-8")}


@dataclass
class ReviewApp:
    """One review session: the scan being reviewed, who records decisions, and the run's secrets."""

    history: History
    scan_id: str
    reviewer: str
    access: Access
    data: ReviewData = field(init=False)
    _previous: dict[str, dict[str, Any]] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.data = ReviewData(self.history.load(self.scan_id))

    # -- helpers ---------------------------------------------------------------------------------

    def previous_findings(self) -> dict[str, dict[str, Any]]:
        """Findings of the scan before this one (to describe evidence that went away), read once."""
        if self._previous is None:
            prev = self.history.previous(self.scan_id)
            doc = self.history.load(prev) if prev else {}
            self._previous = {f["id"]: f for f in doc.get("findings") or [] if isinstance(f, dict) and "id" in f}
        return self._previous

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page with the common header values."""
        decisions = context.pop("decisions", None)
        if decisions is None:
            decisions = self.history.decisions(self.scan_id)
        rows = self.data.rows(decisions)
        header = {
            "account": self.data.view.meta["account"], "scan_id": self.scan_id, "reviewer": self.reviewer,
            "started_at": self.data.view.meta["started_at"], "total": len(rows),
            "confirmed": sum(1 for r in rows if r.state == "confirmed"),
            "lens": self.data.view.meta["lens_name"],
        }
        html = environment().get_template(template).render(header=header, csrf=self.access.csrf, **context)
        return HTMLResponse(html, status_code=status)

    # -- routes ----------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        """The questions by pillar, with progress, suggested risks and filters."""
        decisions = self.history.decisions(self.scan_id)
        page = self.data.overview(decisions, request.query_params.get("show", "all"),
                                  request.query_params.get("risk", ""), drafts=self.history.drafts(self.scan_id))
        return self.render("overview.html.j2", decisions=decisions, page=page, error="", jump="")

    async def go(self, request: Request) -> Response:
        """Jump to a question by label or id."""
        ref = request.query_params.get("q", "").strip()
        qid = self.data.find(ref) if ref else None
        if qid is not None:
            return RedirectResponse(f"/q/{quote(qid, safe='')}", status_code=303)
        decisions = self.history.decisions(self.scan_id)
        page = self.data.overview(decisions, drafts=self.history.drafts(self.scan_id))
        return self.render("overview.html.j2", status=404, decisions=decisions, page=page, jump=ref,
                           error=f"No question {ref!r} in this scan." if ref else "Type a question label.")

    async def question(self, request: Request) -> Response:
        """One question: choices, suggestions, evidence and the decision form."""
        qid = request.path_params["qid"]
        if qid not in self.data.suggestions:
            return _not_found()
        saved = {"1": "confirmed", "draft": "draft", "reopened": "reopened", "unconfirmed": "unconfirmed"}.get(
            request.query_params.get("saved", ""), "")
        # Arriving from "Confirm and go on": offer to undo that confirmation from here.
        undo = request.query_params.get("confirmed", "")
        return self._question_page(qid, saved=saved, undo=undo if undo in self.data.suggestions else "",
                                   not_confirmed=saved == "unconfirmed")

    def _question_page(self, qid: str, *, status: int = 200, saved: str = "",
                       problems: dict[str, str] | None = None, form: dict[str, dict[str, str]] | None = None,
                       note: str | None = None, undo: str = "", not_confirmed: bool = False) -> HTMLResponse:
        decisions = self.history.decisions(self.scan_id)
        decision = decisions.get(qid)
        previous = self.previous_findings() if decision is not None and not decision.confirmed else None
        page = self.data.question(qid, decisions, self.history.evidence(self.scan_id).get(qid), previous,
                                  form=form, note=note, draft=self.history.drafts(self.scan_id).get(qid))
        numbers = {c.id: c.number for c in page["choices"]}
        # Each problem links to the choice it is about (field names are "choice.ID" / "reason.ID").
        listed = [(f"#c{numbers[key.partition('.')[2]]}" if key.partition(".")[2] in numbers else "#note", text)
                  for key, text in (problems or {}).items()]
        kind = "refused"
        if not listed:
            listed, kind = list(page["missing"]), "not_confirmed" if not_confirmed else "missing"
        undo_ok = bool(undo) and undo in decisions and decisions[undo].source == "review"
        return self.render("question.html.j2", status=status, decisions=decisions, page=page, saved=saved,
                           problems=listed, problem_rows={target for target, _ in listed}, problems_kind=kind,
                           undo=undo if undo_ok else "", undo_label=self.data.label(undo) if undo_ok else "")

    async def save(self, request: Request) -> Response:
        """Save the posted form of one question at once, as its draft or (asked to) as its confirmed decision.

        JSON for the script, a redirect otherwise.
        """
        qid = request.path_params["qid"]
        if qid not in self.data.suggestions:
            return _not_found()
        form = await request.form()
        fields = {k: str(v) for k, v in form.items()}
        wants_json = "application/json" in request.headers.get("accept", "")
        action = fields.get("action", "")
        if action == "reopen":
            reopened = self.history.reopen(self.scan_id, qid)
            if wants_json:
                return JSONResponse({"ok": reopened is not None, "question": qid},
                                    status_code=200 if reopened is not None else 409)
            return RedirectResponse(f"/q/{quote(qid, safe='')}?{urlencode({'saved': 'reopened'})}", status_code=303)
        try:
            choices, note, missing = self.data.parse_form(qid, fields)
        except FormError as exc:
            if wants_json:
                return JSONResponse({"ok": False, "problems": exc.problems}, status_code=422)
            posted = {k[len("choice."):]: {"status": v, **({"reason": fields.get("reason." + k[len("choice."):], "")}
                                                           if v == "not_applicable" else {})}
                      for k, v in fields.items() if k.startswith("choice.") and v != "undecided"}
            return self._question_page(qid, status=422, problems=exc.problems, form=posted,
                                       note=fields.get("note", ""))
        now = utcnow_iso()
        if action in CONFIRM_ACTIONS and missing:
            # Not confirmable yet, but nothing typed is lost: all of it is saved as the draft.
            self.history.save_draft(self.scan_id, Draft(question=qid, choices=choices, note=note,
                                                        reviewer=self.reviewer, saved_at=now))
            if wants_json:
                return JSONResponse({"ok": False, "draft": True, "problems": missing}, status_code=422)
            return RedirectResponse(f"/q/{quote(qid, safe='')}?{urlencode({'saved': 'unconfirmed'})}",
                                    status_code=303)
        if action in CONFIRM_ACTIONS:
            # The form shows the draft (or the evidence's proposal): confirming records it and drops the draft.
            self.history.save_decision(self.scan_id, Decision(question=qid, choices=choices, note=note,
                                                              reviewer=self.reviewer, decided_at=now, source="review"))
            is_draft = False
        else:
            is_draft = self.history.save_draft(self.scan_id, Draft(question=qid, choices=choices, note=note,
                                                                   reviewer=self.reviewer, saved_at=now))
        if wants_json:
            decisions = self.history.decisions(self.scan_id)
            rows = self.data.rows(decisions)
            return JSONResponse({"ok": True, "question": qid, "reviewer": self.reviewer, "saved_at": now,
                                 "draft": is_draft, "missing": list(missing.values()),
                                 "state": next(r.state for r in rows if r.id == qid),
                                 "confirmed": sum(1 for r in rows if r.state == "confirmed"), "total": len(rows)})
        _, next_q = self.data.neighbours(qid)
        if action == "next" and next_q:
            return RedirectResponse(f"/q/{quote(next_q, safe='')}?{urlencode({'confirmed': qid})}", status_code=303)
        saved = "1" if action in CONFIRM_ACTIONS else "draft"
        return RedirectResponse(f"/q/{quote(qid, safe='')}?{urlencode({'saved': saved})}", status_code=303)

    async def push(self, request: Request) -> Response:
        """What ``wa-scan push`` would send from the confirmed decisions (dry run, no AWS call)."""
        workload = request.query_params.get("workload", "").strip().lower()
        workload_ok = bool(_WORKLOAD_ID.fullmatch(workload))
        decisions = self.history.decisions(self.scan_id)
        page = self.data.push_preview(decisions, workload if workload_ok else WORKLOAD_PLACEHOLDER)
        return self.render("push.html.j2", decisions=decisions, page=page,
                           workload=workload if workload_ok else "",
                           workload_error=bool(workload) and not workload_ok)

    async def static(self, request: Request) -> Response:
        """The package's own script and stylesheet, by exact name; nothing else."""
        name = request.path_params["name"]
        files = static_files()
        if name not in files:
            return _not_found()
        return Response(files[name], media_type=STATIC_TYPES[name])


def _not_found() -> Response:
    return Response("Not found.\n", status_code=404, media_type="text/plain")


def create_app(history: History, scan_id: str, *, reviewer: str, access: Access) -> Any:
    """The guarded ASGI application for reviewing ``scan_id``."""
    review = ReviewApp(history, scan_id, reviewer, access)
    routes = [
        Route("/", review.overview, methods=["GET"]),
        Route("/go", review.go, methods=["GET"]),
        Route("/q/{qid}", review.question, methods=["GET"]),
        Route("/q/{qid}", review.save, methods=["POST"]),
        Route("/push", review.push, methods=["GET"]),
        Route("/static/{name}", review.static, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False
    app.state.review = review
    return Guard(app, access)
