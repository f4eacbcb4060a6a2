"""``wa-scan coverage``: per pillar, how many best-practice choices the checks can see."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mappings.bundle import add_source_options, load_bundle
from mappings.graph import coverage
from scanner.cli.options import installed_check_ids

ORDER = 32


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``coverage`` to the CLI."""
    p = sub.add_parser("coverage", help="how much of the lens the checks can see, per pillar",
                       description="Per pillar: the best-practice choices covered by at least one check, of "
                                   "all choices, and the questions no check informs.")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    add_source_options(p)
    p.set_defaults(func=run)


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def run(args: argparse.Namespace) -> int:
    """Print the coverage figures."""
    b = load_bundle(args.lens, args.mapping, installed_check_ids())
    pillars = coverage(b.graph)
    total = {key: sum(int(p[key]) for p in pillars)
             for key in ("questions", "questions_with_evidence", "choices", "choices_with_evidence",
                         "choices_with_direct_evidence")}
    strengths = Counter(link.strength for link in b.mapping.links)
    if args.format == "json":
        links = [{"check": link.check, "question": link.question, "choice": link.choice, "strength": link.strength,
                  "on_pass": link.on_pass, "on_fail": link.on_fail} for link in b.mapping.links]
        print(json.dumps({"lens": b.lens.info(), "mapping": {**b.mapping.info(), "by_strength": dict(strengths)},
                          "checks": len(b.mapping.check_ids()), "pillars": pillars, "total": total,
                          "links": links}, indent=2))
        return 0
    table = Table("pillar", "choices with evidence", "%", "of them direct", "questions with evidence", box=None,
                  header_style="bold")
    for p in [*pillars, {"name": "Total", **total}]:
        table.add_row(escape(str(p["name"])), f"{p['choices_with_evidence']}/{p['choices']}",
                      f"{_pct(int(p['choices_with_evidence']), int(p['choices']))}%",
                      str(p["choices_with_direct_evidence"]), f"{p['questions_with_evidence']}/{p['questions']}")
    console = Console()
    console.print(table)
    console.print(f"{len(b.mapping.links)} links ({strengths['direct']} direct, {strengths['indicative']} indicative) "
                  f"from {len(b.mapping.check_ids())} checks ({b.lens.name}).")
    labels = {q.id: q.label for q in b.lens.questions()}
    for p in pillars:
        bare = p["questions_without_evidence"]
        if bare:
            shown = ", ".join(f"{labels[q]} ({q})" for q in bare)
            console.print(f"[bold]{escape(str(p['name']))}[/]: no check informs {escape(shown)}", highlight=False)
    return 0
