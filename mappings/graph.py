"""The lens and the mapping as one graph: pillar -> question -> choice <- check.

Nodes are tuples, so ids from different levels never collide:
``("pillar", id)``, ``("question", id)``, ``("choice", question_id, choice_id)``, ``("check", id)``.
Every node has ``kind``; pillars, questions and choices keep their lens order in ``order``. A
check -> choice edge carries the link's ``strength``, ``on_pass``, ``on_fail`` and ``rationale``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from mappings.catalog import Lens
from mappings.mapping import Mapping

Node = tuple[str, ...]


def pillar_node(pillar_id: str) -> Node:
    """The node of a pillar."""
    return ("pillar", pillar_id)


def question_node(question_id: str) -> Node:
    """The node of a question."""
    return ("question", question_id)


def choice_node(question_id: str, choice_id: str) -> Node:
    """The node of a choice (choice ids are only unique within their question in custom lenses)."""
    return ("choice", question_id, choice_id)


def check_node(check_id: str) -> Node:
    """The node of a check."""
    return ("check", check_id)


def build_graph(lens: Lens, mapping: Mapping) -> nx.DiGraph:
    """The graph of ``lens`` (every pillar, question and choice but the none choices) and ``mapping``."""
    g = nx.DiGraph(lens=lens.alias)
    order = 0
    for pillar in lens.pillars:
        pn = pillar_node(pillar.id)
        g.add_node(pn, kind="pillar", id=pillar.id, name=pillar.name, order=order)
        for q in pillar.questions:
            order += 1
            qn = question_node(q.id)
            g.add_node(qn, kind="question", id=q.id, label=q.label, title=q.title, pillar=pillar.id, order=order)
            g.add_edge(pn, qn)
            for c in q.choices:
                order += 1
                cn = choice_node(q.id, c.id)
                g.add_node(cn, kind="choice", id=c.id, question=q.id, bp=c.bp, title=c.title, risk=c.risk,
                           order=order)
                g.add_edge(qn, cn)
    for link in mapping.links:
        kn = check_node(link.check)
        if kn not in g:
            g.add_node(kn, kind="check", id=link.check)
        g.add_edge(kn, choice_node(link.question, link.choice), strength=link.strength, on_pass=link.on_pass,
                   on_fail=link.on_fail, rationale=link.rationale)
    return g


def _ordered(g: nx.DiGraph, nodes: object) -> list[Node]:
    return sorted(nodes, key=lambda n: g.nodes[n].get("order", 0))  # type: ignore[arg-type]


def checks_for_choice(g: nx.DiGraph, question_id: str, choice_id: str) -> list[dict[str, str]]:
    """The checks that inform a choice: ``{"check", "strength", "on_pass", "on_fail", "rationale"}``, by check id."""
    cn = choice_node(question_id, choice_id)
    if cn not in g:
        return []
    return sorted(({"check": k[1], **g.edges[k, cn]} for k in g.predecessors(cn) if k[0] == "check"),
                  key=lambda d: d["check"])


def checks_for_question(g: nx.DiGraph, question_id: str) -> list[str]:
    """The ids of every check informing at least one choice of the question, sorted."""
    qn = question_node(question_id)
    if qn not in g:
        return []
    return sorted({k[1] for cn in g.successors(qn) for k in g.predecessors(cn) if k[0] == "check"})


def choices_for_check(g: nx.DiGraph, check_id: str) -> list[tuple[str, str]]:
    """The (question id, choice id) pairs a check informs, in lens order."""
    kn = check_node(check_id)
    if kn not in g:
        return []
    return [(n[1], n[2]) for n in _ordered(g, g.successors(kn))]


def questions_for_check(g: nx.DiGraph, check_id: str) -> list[str]:
    """The ids of the questions a check informs, in lens order."""
    seen: list[str] = []
    for qid, _ in choices_for_check(g, check_id):
        if qid not in seen:
            seen.append(qid)
    return seen


def choices_without_evidence(g: nx.DiGraph, pillar_id: str | None = None) -> list[tuple[str, str]]:
    """The (question id, choice id) pairs no check informs, in lens order (of one pillar if given)."""
    out = []
    for n in _ordered(g, (n for n, d in g.nodes(data=True) if d["kind"] == "choice")):
        if pillar_id is not None and g.nodes[question_node(n[1])]["pillar"] != pillar_id:
            continue
        if not any(p[0] == "check" for p in g.predecessors(n)):
            out.append((n[1], n[2]))
    return out


def questions_without_evidence(g: nx.DiGraph, pillar_id: str | None = None) -> list[str]:
    """The ids of questions none of whose choices a check informs, in lens order."""
    return [g.nodes[qn]["id"] for qn in _ordered(g, (n for n, d in g.nodes(data=True) if d["kind"] == "question"))
            if (pillar_id is None or g.nodes[qn]["pillar"] == pillar_id)
            and not checks_for_question(g, g.nodes[qn]["id"])]


def coverage(g: nx.DiGraph) -> list[dict[str, Any]]:
    """Per pillar, in lens order: questions and choices, and how many of each a check informs."""
    out = []
    for pn in _ordered(g, (n for n, d in g.nodes(data=True) if d["kind"] == "pillar")):
        questions = _ordered(g, g.successors(pn))
        choices = [cn for qn in questions for cn in g.successors(qn)]
        covered = [cn for cn in choices if any(p[0] == "check" for p in g.predecessors(cn))]
        # A choice has direct evidence when at least one check observes the practice itself.
        direct = [cn for cn in covered
                  if any(p[0] == "check" and g.edges[p, cn].get("strength") == "direct" for p in g.predecessors(cn))]
        bare = [g.nodes[qn]["id"] for qn in questions if not checks_for_question(g, g.nodes[qn]["id"])]
        out.append({
            "pillar": pn[1], "name": g.nodes[pn]["name"],
            "questions": len(questions), "questions_with_evidence": len(questions) - len(bare),
            "choices": len(choices), "choices_with_evidence": len(covered),
            "choices_with_direct_evidence": len(direct),
            "questions_without_evidence": bare,
        })
    return out
