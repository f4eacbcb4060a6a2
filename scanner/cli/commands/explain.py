"""``wa-scan explain ID``: what informs a best-practice choice, or what a check informs."""

from __future__ import annotations

import argparse
import difflib
import json
from typing import Any

from mappings.bundle import Bundle, add_source_options, load_bundle
from mappings.catalog import Choice, Question
from mappings.graph import checks_for_choice, choices_for_check
from scanner.cli.options import installed_check_ids
from scanner.errors import UsageError
from scanner.registry import discover

ORDER = 33
LINK_FIELDS = ("strength", "on_pass", "on_fail", "rationale")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``explain`` to the CLI."""
    p = sub.add_parser(
        "explain", help="what informs a WA choice, or what a check informs",
        description="Explain the mapping: for a choice (its id or best-practice code, e.g. "
                    "sec_identities_audit or SEC02-BP05), the checks that inform it, with each link's strength, "
                    "what a pass and a fail mean and its rationale; for a check id, the questions and choices it "
                    "informs; for a question (its id or "
                    "label, e.g. 'SEC 2'), every choice and its checks.",
        epilog="examples:\n  wa-scan explain SEC02-BP05\n  wa-scan explain iam.access_keys_rotated\n"
               "  wa-scan explain 'SEC 2'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("id", metavar="CHOICE_OR_CHECK", help="a choice id, best-practice code, check id or question")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_source_options(p)
    p.set_defaults(func=run)


def _choice_dict(b: Bundle, q: Question, c: Choice) -> dict[str, Any]:
    return {"question": q.id, "label": q.label, "question_title": q.title, "choice": c.id, "bp": c.bp,
            "title": c.title, "risk": c.risk, "checks": checks_for_choice(b.graph, q.id, c.id)}


def resolve(b: Bundle, key: str) -> dict[str, Any]:
    """What ``key`` names, explained; an unknown key is a ``UsageError`` with the closest known id."""
    checks = discover()
    in_mapping = set(b.mapping.check_ids())
    if key in checks or key in in_mapping:
        informs = []
        for qid, cid in choices_for_check(b.graph, key):
            q = b.lens.question(qid)
            assert q is not None
            c = q.choice(cid)
            assert c is not None
            link = next(d for d in checks_for_choice(b.graph, qid, cid) if d["check"] == key)
            informs.append({**_choice_dict(b, q, c), **{k: link[k] for k in LINK_FIELDS}})
        meta = checks[key].meta.to_dict() if key in checks else {"id": key}
        if key in checks and checks[key].meta.emits:
            meta["emits"] = list(checks[key].meta.emits)
        owner = next((c.meta for c in checks.values() if key in c.meta.emits), None)
        if owner is not None:  # an id an adapter reports under (securityhub.control.S3.8)
            meta.update(title=f"reported by {owner.id} ({owner.title})", service=owner.service,
                        severity="as the source rates it", reported_by=owner.id)
        return {"kind": "check", "check": meta, "informs": informs}
    folded = key.strip().lower()
    found = [(q, c) for q in b.lens.questions() for c in q.choices
             if c.id == key or (c.bp and c.bp.lower() == folded)]
    if found:
        return {"kind": "choice", "choices": [_choice_dict(b, q, c) for q, c in found]}
    for q in b.lens.questions():
        if folded in (q.id.lower(), q.label.lower(), q.label.replace(" ", "").lower()):
            return {"kind": "question", "question": q.id, "label": q.label, "title": q.title,
                    "choices": [_choice_dict(b, q, c) for c in q.choices], "none_choice": q.none_choice}
    known = [*checks, *in_mapping]
    for q in b.lens.questions():
        known += [q.id, q.label, *(c.id for c in q.choices), *(c.bp for c in q.choices if c.bp)]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else "; 'wa-scan questions' and 'wa-scan checks' list them"
    raise UsageError(f"unknown choice, check or question {key!r}{hint}")


def _print_choice(c: dict[str, Any], with_question: bool = True) -> None:
    code = f"{c['bp']} " if c["bp"] else ""
    print(f"{code}{c['title']}  [choice {c['choice']}, {c['risk'].capitalize()} risk if not established]")
    if with_question:
        print(f"  question {c['label']} ({c['question']}): {c['question_title']}")
    if not c["checks"]:
        print("  No check informs this best practice: a reviewer answers it.")
        return
    print(f"  Informed by {len(c['checks'])} check{'s' if len(c['checks']) != 1 else ''} "
          "(a pass supports it, a fail contradicts it):")
    for d in c["checks"]:
        print(f"    {d['check']}  [{_meaning(d)}]  {d['rationale']}")


def _meaning(link: dict[str, Any]) -> str:
    """``direct; pass supports, fail contradicts`` for a link."""
    return f"{link['strength']}; pass {link['on_pass']}, fail {link['on_fail']}"


def run(args: argparse.Namespace) -> int:
    """Print the explanation."""
    b = load_bundle(args.lens, args.mapping, installed_check_ids())
    found = resolve(b, args.id)
    if args.format == "json":
        print(json.dumps(found, indent=2))
        return 0
    if found["kind"] == "check":
        meta = found["check"]
        print(f"{meta['id']}: {meta.get('title', '')}  [{meta.get('service', '?')}, {meta.get('severity', '?')}]")
        if not found["informs"]:
            if meta.get("emits"):
                linked = [e for e in meta["emits"] if e in b.mapping.check_ids()]
                print(f"  An adapter: it reports under {len(meta['emits'])} check ids of its own, {len(linked)} of "
                      f"them linked to choices (e.g. wa-scan explain {(linked or meta['emits'])[0]}).")
                return 0
            print("  The mapping links this check to no choice of the lens.")
            return 0
        questions = {i["question"] for i in found["informs"]}
        print(f"  Informs {len(found['informs'])} choice{'s' if len(found['informs']) != 1 else ''} in "
              f"{len(questions)} question{'s' if len(questions) != 1 else ''}; a pass supports them, a fail "
              "contradicts them:")
        shown = None
        for i in found["informs"]:
            if i["question"] != shown:
                print(f"  {i['label']} ({i['question']}): {i['question_title']}")
                shown = i["question"]
            code = f"{i['bp']} " if i["bp"] else ""
            print(f"    {code}{i['title']}  [choice {i['choice']}, {i['risk'].capitalize()} risk, "
                  f"{_meaning(i)}]")
            print(f"      {i['rationale']}")
        return 0
    if found["kind"] == "question":
        print(f"{found['label']} ({found['question']}): {found['title']}")
        seen = sum(1 for c in found["choices"] if c["checks"])
        print(f"  {seen} of {len(found['choices'])} choices have automated evidence.")
    for c in found["choices"]:
        _print_choice(c, with_question=found["kind"] == "choice")
    return 0
