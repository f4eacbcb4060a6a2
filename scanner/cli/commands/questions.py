"""``wa-scan questions``: the lens's questions and how many of their choices checks can see."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mappings.bundle import add_source_options, load_bundle
from mappings.catalog import Lens, Pillar
from mappings.graph import checks_for_choice, checks_for_question
from scanner.cli.options import installed_check_ids
from scanner.errors import UsageError

ORDER = 31


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``questions`` to the CLI."""
    p = sub.add_parser("questions", help="list the lens's questions and the choices checks can see",
                       description="List the questions of the lens (default: AWS Well-Architected) with, per "
                                   "question, how many best-practice choices have automated evidence.")
    p.add_argument("--pillar", metavar="P",
                   help="only this pillar: its id (security), name or label prefix (SEC)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    add_source_options(p)
    p.set_defaults(func=run)


def pick_pillars(lens: Lens, wanted: str | None) -> list[Pillar]:
    """The pillars ``--pillar`` names (all when None); an unknown name is a ``UsageError``."""
    if not wanted:
        return list(lens.pillars)
    key = wanted.strip().lower()
    for p in lens.pillars:
        prefix = p.questions[0].label.rsplit(" ", 1)[0].lower() if p.questions else ""
        if key in (p.id.lower(), p.name.lower(), prefix):
            return [p]
    known = ", ".join(p.id for p in lens.pillars)
    raise UsageError(f"--pillar {wanted!r}: no such pillar (pillars: {known})")


def run(args: argparse.Namespace) -> int:
    """Print the questions."""
    b = load_bundle(args.lens, args.mapping, installed_check_ids())
    rows = []
    for pillar in pick_pillars(b.lens, args.pillar):
        for q in pillar.questions:
            choices = [{"choice": c.id, "bp": c.bp, "title": c.title, "risk": c.risk,
                        "checks": [d["check"] for d in checks_for_choice(b.graph, q.id, c.id)]} for c in q.choices]
            rows.append({"pillar": pillar.id, "pillar_name": pillar.name, "question": q.id, "label": q.label,
                         "title": q.title, "choices": len(choices),
                         "choices_with_evidence": sum(1 for c in choices if c["checks"]),
                         "checks": checks_for_question(b.graph, q.id), "choice_list": choices})
    if args.format == "json":
        print(json.dumps({"lens": b.lens.info(), "questions": rows}, indent=2))
        return 0
    table = Table("label", "question", "title", "evidence", box=None, header_style="bold")
    for r in rows:
        seen = f"{r['choices_with_evidence']}/{r['choices']}"
        table.add_row(r["label"], r["question"], escape(r["title"]),
                      f"[green]{seen}[/]" if r["choices_with_evidence"] else f"[dim]{seen}[/]")
    console = Console()
    console.print(table)
    covered = sum(r["choices_with_evidence"] for r in rows)
    total = sum(r["choices"] for r in rows)
    console.print(f"{len(rows)} questions; {covered} of {total} best-practice choices have automated evidence "
                  f"({b.lens.name}). 'wa-scan explain ID' shows what informs a choice.")
    return 0
