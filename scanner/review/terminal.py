"""Reviewer confirmation: walk the suggested answers question by question and record decisions.

Each confirmed question is committed to the history database at once, so a review can stop (Ctrl-C,
end of input, a killed terminal) and resume later without losing anything typed and confirmed.
Input is read line by line from a stream, so scripted input drives it as well as a person does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mappings.prompts import asks_the_team
from scanner.collect import utcnow_iso
from scanner.history import History
from scanner.review.decisions import (
    NA_REASONS,
    Decision,
    choice_findings,
    format_choice,
    lens_catalogue,
    missing_reasons,
    proposal,
    question_choice_ids,
)

_SHORT_STATUS = {"s": "selected", "u": "unselected", "n": "not_applicable"}
MAX_EVIDENCE_LINES = 8


class StopReview(Exception):
    """The reviewer asked to stop, or the input ended."""


def questions_to_review(doc: dict[str, Any], decisions: dict[str, Decision], *, revisit: bool = False,
                        only: list[str] | None = None) -> list[dict[str, Any]]:
    """The suggestions still to review, in the document's order: every question, with evidence or not.

    Confirmed questions are skipped unless ``revisit``; ``only`` (question ids or labels like "SEC 2")
    narrows to those questions.
    """
    wanted = {o.strip().lower() for o in only or []}
    out = []
    for s in doc.get("suggestions") or []:
        if wanted and s["question"].lower() not in wanted and str(s.get("label", "")).lower() not in wanted:
            continue
        decided = decisions.get(s["question"])
        if decided is not None and decided.confirmed and not revisit and not wanted:
            continue
        out.append(s)
    return out


@dataclass
class ReviewSummary:
    """What one review session did."""

    confirmed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)
    stopped: bool = False


class Prompter:
    """Line-based prompts on a console, answers from a text stream."""

    def __init__(self, inp: TextIO, console: Console) -> None:
        self.inp = inp
        self.console = console

    def ask(self, prompt: str, allowed: dict[str, str] | None = None, default: str = "") -> str:
        """One answer; with ``allowed`` (input -> value, unique prefixes accepted), asks again until valid."""
        while True:
            self.console.print(prompt, end="", markup=False, highlight=False, soft_wrap=True)
            self.console.file.flush()
            line = self.inp.readline()
            if line == "":
                self.console.print()
                raise StopReview("end of input")
            answer = line.strip()
            if not _is_tty(self.inp):
                # Scripted answers are not echoed by a terminal; show them so the transcript reads right.
                self.console.print(answer, markup=False, highlight=False)
            if not answer:
                answer = default
            if allowed is None:
                return answer
            key = answer.lower()
            if key in allowed:
                return allowed[key]
            hits = {v for k, v in allowed.items() if key and k.startswith(key)}
            if len(hits) == 1:
                return hits.pop()
            self.console.print(f"  [yellow]please answer one of: {', '.join(sorted(allowed))}[/]")


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def show_question(console: Console, s: dict[str, Any], findings: dict[str, dict[str, Any]],
                  decision: Decision | None, proposed: dict[str, dict[str, str]], position: str) -> None:
    """The question, its suggested risk, each choice's suggestion and the evidence behind it."""
    console.rule(f"[bold]{escape(s.get('label', s['question']))}[/] {escape(s.get('title', ''))}  [dim]{position}[/]")
    console.print(f"Suggested risk: [bold]{escape(str(s.get('risk', 'UNKNOWN')))}[/]"
                  + (f"  [dim]({escape(str(s['risk_rule']))})[/]" if s.get("risk_rule") else ""))
    if decision is not None and not decision.confirmed:
        console.print(f"[yellow]Evidence changed since review[/] by {escape(decision.reviewer)} on "
                      f"{escape(decision.decided_at)}; that decision was: "
                      + escape(", ".join(f"{c}: {format_choice(v)}" for c, v in decision.choices.items()) or "-"))
    elif decision is not None:
        console.print(f"[green]Confirmed[/] by {escape(decision.reviewer)} on {escape(decision.decided_at)}")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("#", "best practice", "evidence", "suggestion", "proposed"):
        table.add_column(col)
    for i, c in enumerate(s.get("choices") or [], 1):
        fs = choice_findings(c, findings)
        fails = sum(1 for f in fs if f["status"] == "fail")
        passes = sum(1 for f in fs if f["status"] == "pass")
        table.add_row(str(i), escape(f"{c.get('bp', '')} {c.get('title', c['choice'])}".strip()),
                      f"{fails} fail, {passes} pass" if fs else "-", escape(str(c.get("suggestion", "unknown"))),
                      format_choice(proposed.get(c["choice"])))
    console.print(table)
    failing = [f for c in s.get("choices") or [] for f in choice_findings(c, findings) if f["status"] == "fail"]
    seen: set[str] = set()
    failing = [f for f in failing if not (f["id"] in seen or seen.add(f["id"]))]  # type: ignore[func-returns-value]
    if failing:
        console.print("Failing evidence:")
        for f in failing[:MAX_EVIDENCE_LINES]:
            console.print(f"  - {escape(f['check'])} {escape(f['region'])}: {escape(f['message'])}",
                          highlight=False, soft_wrap=True)
        if len(failing) > MAX_EVIDENCE_LINES:
            console.print(f"  ... and {len(failing) - MAX_EVIDENCE_LINES} more")
    rationale = [c.get("rationale") for c in s.get("choices") or [] if c.get("rationale") and c.get("findings")]
    for line in rationale[:3]:
        console.print(f"  [dim]{escape(str(line))}[/]", soft_wrap=True)
    show_asks(console, s)


def show_asks(console: Console, s: dict[str, Any]) -> None:
    """What to ask and which artefact to request, per choice the team answers (no API shows it, or no verdict)."""
    asks = [(i, c) for i, c in enumerate(s.get("choices") or [], 1) if asks_the_team(c)]
    if not asks:
        return
    console.print("Ask the team:")
    for i, c in asks:
        who = f" [dim](only the team can answer: {escape(c['ask']['why'])})[/]" if c.get("human_only") else ""
        console.print(f"  {i}. {escape(c.get('bp') or c['choice'])} {escape(c.get('title', ''))}{who}", soft_wrap=True)
        for text in c["ask"]["questions"]:
            console.print(f"     - {escape(text)}", soft_wrap=True)
        console.print(f"     [dim]request:[/] {escape(c['ask']['artefact'])}", soft_wrap=True)


def change_choices(prompter: Prompter, s: dict[str, Any], start: dict[str, dict[str, str]],
                   catalogue: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Ask for each choice: selected, not selected, not applicable (with a reason), undecided, or keep.

    ``.`` keeps this choice and all the ones after it.
    """
    allowed = {".": ".", "s": "s", "selected": "s", "u": "u", "unselected": "u", "not selected": "u", "n": "n",
               "na": "n", "not applicable": "n", "?": "?", "undecided": "?", "k": "k", "keep": "k"}
    reasons = {r: r for r in NA_REASONS}
    out = dict(start)
    lens_q = catalogue.get(s["question"], {})
    titles = {c["choice"]: c.get("title", c["choice"]) for c in s.get("choices") or []}
    titles.update({c["id"]: c["title"] for c in lens_q.get("choices", []) if c["id"] not in titles})
    if lens_q.get("none_choice"):
        titles.setdefault(lens_q["none_choice"], "None of these")
    for i, cid in enumerate(question_choice_ids(s, catalogue), 1):
        now = format_choice(out.get(cid))
        answer = prompter.ask(f"  {i}. {titles.get(cid, cid)} [{now}] (s/u/n/?, Enter keeps, . keeps the rest): ",
                              allowed, default="k")
        if answer == ".":
            break
        if answer == "k":
            continue
        if answer == "?":
            out.pop(cid, None)
        elif answer == "n":
            reason = prompter.ask(f"     reason ({'/'.join(NA_REASONS)}): ", reasons)
            out[cid] = {"status": "not_applicable", "reason": reason}
        else:
            out[cid] = {"status": _SHORT_STATUS[answer]}
    return out


def run_review(history: History, scan_id: str, *, reviewer: str, inp: TextIO, console: Console,
               revisit: bool = False, only: list[str] | None = None) -> ReviewSummary:
    """Walk the questions of ``scan_id`` still to review; commit each confirmed one at once."""
    doc = history.load(scan_id)
    decisions = history.decisions(scan_id)
    drafts = history.drafts(scan_id)
    queue = questions_to_review(doc, decisions, revisit=revisit, only=only)
    findings = {f["id"]: f for f in doc.get("findings") or []}
    catalogue = lens_catalogue(doc)
    summary = ReviewSummary()
    prompter = Prompter(inp, console)
    if not queue:
        console.print("Nothing to review: every question has a confirmed decision (--all revisits them).")
        return summary
    console.print(f"Reviewing scan [bold]{escape(scan_id)}[/] as {escape(reviewer)}: {len(queue)} questions. "
                  "Each confirmed answer is saved at once; [bold]q[/] stops, and 'wa-scan review' resumes.")
    try:
        for n, s in enumerate(queue, 1):
            q = s["question"]
            decision = decisions.get(q)
            proposed = proposal(s)
            if decision is not None and decision.confirmed:
                proposed = dict(decision.choices)
            # An answer saved in the browser review and not confirmed: start from it, so accepting confirms it.
            draft = drafts.get(q)
            if draft is not None:
                proposed = dict(draft.choices)
            show_question(console, s, findings, decision, proposed, f"{n} of {len(queue)}")
            if draft is not None:
                console.print(f"[cyan]Draft[/] by {escape(draft.reviewer)} on {escape(draft.saved_at)}, not confirmed:"
                              " its choices are the ones proposed above")
            actions = {"a": "accept", "accept": "accept", "c": "change", "change": "change", "s": "skip",
                       "skip": "skip", "q": "quit", "quit": "quit"}
            hint = "[a]ccept, [c]hange, [s]kip, [q]uit"
            if decision is not None and not decision.confirmed:
                actions.update({"p": "previous", "previous": "previous"})
                hint = "[a]ccept, [c]hange, [p]revious decision, [s]kip, [q]uit"
            action = prompter.ask(f"{hint} (a): ", actions, default="a")
            if action == "quit":
                raise StopReview("stopped by the reviewer")
            if action == "skip":
                summary.skipped.append(q)
                continue
            if action == "previous" and decision is not None:
                proposed = dict(decision.choices)
            elif action == "change":
                proposed = change_choices(prompter, s, proposed, catalogue)
            # A draft from the browser may hold a "not applicable" whose reason was never picked.
            for cid in missing_reasons(proposed):
                reason = prompter.ask(f"  {cid}: not applicable needs a reason ({'/'.join(NA_REASONS)}): ",
                                      {r: r for r in NA_REASONS})
                proposed[cid] = {"status": "not_applicable", "reason": reason}
            default_note = draft.note if draft is not None else decision.note if decision is not None else ""
            note = prompter.ask("Note (Enter for " + ("the earlier note" if default_note else "none") + "): ",
                                default=default_note)
            history.save_decision(scan_id, Decision(question=q, choices=proposed, note=note, reviewer=reviewer,
                                                    decided_at=utcnow_iso(), source="review"))
            summary.confirmed.append(q)
            console.print(f"[green]saved[/] {escape(s.get('label', q))}: "
                          + escape(", ".join(f"{c} {format_choice(v)}" for c, v in proposed.items()) or "no choices"))
    except (StopReview, KeyboardInterrupt):
        summary.stopped = True
    done = set(summary.confirmed) | set(summary.skipped)
    summary.remaining = [s["question"] for s in queue if s["question"] not in done]
    console.print(f"{len(summary.confirmed)} confirmed, {len(summary.skipped)} skipped, "
                  f"{len(summary.remaining)} left" + (f"; resume with: wa-scan review {scan_id}"
                                                      if summary.remaining or summary.skipped else ""))
    return summary
