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
MAX_EVIDENCE_LINES = 5  # failing findings shown under each choice; 'e N' lists all


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


def choice_names(s: dict[str, Any], catalogue: dict[str, dict[str, Any]] | None = None) -> dict[str, str]:
    """choice id -> how the review prints it: the BP code (``SEC02-BP02``), or "None of these"."""
    names = {c["choice"]: str(c.get("bp") or c["choice"]) for c in s.get("choices") or []}
    lens_q = (catalogue or {}).get(s["question"], {})
    for c in lens_q.get("choices", []):
        names.setdefault(c["id"], str(c.get("bp") or c["id"]))
    if lens_q.get("none_choice"):
        names[lens_q["none_choice"]] = "None of these"
    return names


def format_choices(choices: dict[str, dict[str, str]], names: dict[str, str]) -> str:
    """Decided choices as the reviewer reads them: ``SEC02-BP02 selected, SEC02-BP05 not selected``."""
    return ", ".join(f"{names.get(c, c)} {format_choice(v)}" for c, v in choices.items())


def show_question(console: Console, s: dict[str, Any], findings: dict[str, dict[str, Any]],
                  decision: Decision | None, proposed: dict[str, dict[str, str]], position: str) -> None:
    """The question, its suggested risk, each choice's suggestion and, under its choice, the evidence behind it."""
    names = choice_names(s)
    console.rule(f"[bold]{escape(s.get('label', s['question']))}[/] {escape(s.get('title', ''))}  [dim]{position}[/]")
    console.print(f"Suggested risk: [bold]{escape(str(s.get('risk', 'UNKNOWN')))}[/]"
                  + (f"  [dim]({escape(str(s['risk_rule']))})[/]" if s.get("risk_rule") else ""))
    if decision is not None and not decision.confirmed:
        console.print(f"[yellow]Evidence changed since review[/] by {escape(decision.reviewer)} on "
                      f"{escape(decision.decided_at)}; that decision was: "
                      + escape(format_choices(decision.choices, names) or "-"))
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
    # Each choice's verdict ("contradicted by ...") and its failing findings, under the choice they are about.
    for i, c in enumerate(s.get("choices") or [], 1):
        failing = [f for f in choice_findings(c, findings) if f["status"] == "fail"]
        if not failing and not (c.get("rationale") and (c.get("findings") or c.get("checks"))):
            continue
        console.print(f"{i}. [bold]{escape(names[c['choice']])}[/] {escape(str(c.get('suggestion', 'unknown')))}"
                      + (f": {escape(str(c['rationale']))}" if c.get("rationale") else ""), soft_wrap=True)
        for f in failing[:MAX_EVIDENCE_LINES]:
            console.print(f"   - {escape(f['check'])} {escape(f['region'])}: {escape(f['message'])}",
                          highlight=False, soft_wrap=True)
        if len(failing) > MAX_EVIDENCE_LINES:
            console.print(f"   ... and {len(failing) - MAX_EVIDENCE_LINES} more failing; [bold]e {i}[/] lists all the "
                          "evidence of this choice")
    show_asks(console, s)


def show_evidence(console: Console, s: dict[str, Any], findings: dict[str, dict[str, Any]],
                  numbers: list[int] | None = None) -> None:
    """Every finding behind the given choices (all of them when ``numbers`` is empty): failing first."""
    order = {"fail": 0, "not_assessed": 1, "pass": 2}
    names = choice_names(s)
    listed = False
    for i, c in enumerate(s.get("choices") or [], 1):
        if numbers and i not in numbers:
            continue
        fs = sorted(choice_findings(c, findings), key=lambda f: (order.get(f["status"], 3), f["check"], f["id"]))
        if not fs:
            if numbers:
                console.print(f"{i}. {escape(names[c['choice']])}: no finding; what the team says decides it")
            continue
        listed = True
        console.print(f"{i}. [bold]{escape(names[c['choice']])}[/] {escape(c.get('title', ''))}: "
                      f"{len(fs)} findings", soft_wrap=True)
        for f in fs:
            console.print(f"   {f['status']:<12} {escape(f['check'])} {escape(f['region'])} "
                          f"{escape(str(f.get('resource', '')))}: {escape(f['message'])}", highlight=False,
                          soft_wrap=True)
    if not numbers and not listed:
        console.print("No finding rests on any choice of this question: the team answers it.")


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
    names = choice_names(s, catalogue)
    for i, cid in enumerate(question_choice_ids(s, catalogue), 1):
        now = format_choice(out.get(cid))
        code = names.get(cid, "")
        head = f"{code} {titles.get(cid, cid)}" if code and code != "None of these" else titles.get(cid, cid)
        answer = prompter.ask(f"  {i}. {head} [{now}] (s/u/n/?, Enter keeps, . keeps the rest): ",
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


def ask_action(prompter: Prompter, hint: str, actions: dict[str, str], choices: int) -> tuple[str, list[int]]:
    """The reviewer's next action, and for ``evidence`` the choice numbers typed after it (``e 2 5``)."""
    while True:
        answer = prompter.ask(hint, default="a")
        word, *rest = answer.lower().split() or ["a"]
        hits = {v for k, v in actions.items() if k.startswith(word)}
        action = actions.get(word) or (hits.pop() if len(hits) == 1 else "")
        numbers = [int(x) for x in rest if x.isdigit() and 1 <= int(x) <= choices]
        if action and (not rest or (action == "evidence" and len(numbers) == len(rest))):
            return action, numbers
        prompter.console.print(f"  [yellow]please answer one of: {', '.join(sorted(k for k in actions if len(k) == 1))}"
                               + (f" (e takes choice numbers 1 to {choices})" if action == "evidence" else "") + "[/]")


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
        n = 0
        while n < len(queue):
            s = queue[n]
            q = s["question"]
            names = choice_names(s, catalogue)
            decision = decisions.get(q)
            proposed = proposal(s)
            if decision is not None and decision.confirmed:
                proposed = dict(decision.choices)
            # An answer saved in the browser review and not confirmed: start from it, so accepting confirms it.
            draft = drafts.get(q)
            if draft is not None:
                proposed = dict(draft.choices)
            show_question(console, s, findings, decision, proposed, f"{n + 1} of {len(queue)}")
            if draft is not None:
                console.print(f"[cyan]Draft[/] by {escape(draft.reviewer)} on {escape(draft.saved_at)}, not confirmed:"
                              " its choices are the ones proposed above")
            actions = {"a": "accept", "accept": "accept", "c": "change", "change": "change", "s": "skip",
                       "skip": "skip", "e": "evidence", "evidence": "evidence", "q": "quit", "quit": "quit"}
            hint = "[a]ccept, [c]hange, [e]vidence (e 2: of choice 2), [s]kip"
            if decision is not None and not decision.confirmed:
                actions.update({"p": "previous", "previous": "previous"})
                hint += ", [p]revious decision"
            if n > 0:
                actions.update({"b": "back", "back": "back"})
                hint += ", [b]ack"
            action, numbers = ask_action(prompter, f"{hint}, [q]uit (a): ", actions, len(s.get("choices") or []))
            while action == "evidence":
                show_evidence(console, s, findings, numbers)
                action, numbers = ask_action(prompter, f"{hint}, [q]uit (a): ", actions, len(s.get("choices") or []))
            if action == "quit":
                raise StopReview("stopped by the reviewer")
            if action == "back":
                n -= 1
                back = queue[n]["question"]
                if back in summary.skipped:
                    summary.skipped.remove(back)
                # What was confirmed there is what the question now starts from.
                decisions = history.decisions(scan_id)
                continue
            if action == "skip":
                if q not in summary.skipped:
                    summary.skipped.append(q)
                n += 1
                continue
            if action == "previous" and decision is not None:
                proposed = dict(decision.choices)
            elif action == "change":
                proposed = change_choices(prompter, s, proposed, catalogue)
            # A draft from the browser may hold a "not applicable" whose reason was never picked.
            for cid in missing_reasons(proposed):
                reason = prompter.ask(f"  {names.get(cid, cid)}: not applicable needs a reason "
                                      f"({'/'.join(NA_REASONS)}): ", {r: r for r in NA_REASONS})
                proposed[cid] = {"status": "not_applicable", "reason": reason}
            default_note = draft.note if draft is not None else decision.note if decision is not None else ""
            note = prompter.ask("Note (Enter for " + ("the earlier note" if default_note else "none") + "): ",
                                default=default_note)
            history.save_decision(scan_id, Decision(question=q, choices=proposed, note=note, reviewer=reviewer,
                                                    decided_at=utcnow_iso(), source="review"))
            drafts.pop(q, None)
            decisions[q] = history.decisions(scan_id)[q]
            if q not in summary.confirmed:
                summary.confirmed.append(q)
            console.print(f"[green]saved[/] {escape(s.get('label', q))}: "
                          + escape(format_choices(proposed, names) or "no choices"))
            n += 1
    except (StopReview, KeyboardInterrupt):
        summary.stopped = True
    done = set(summary.confirmed) | set(summary.skipped)
    summary.remaining = [s["question"] for s in queue if s["question"] not in done]
    console.print(f"{len(summary.confirmed)} confirmed, {len(summary.skipped)} skipped, "
                  f"{len(summary.remaining)} left" + (f"; resume with: wa-scan review {scan_id}"
                                                      if summary.remaining or summary.skipped else ""))
    return summary
