"""A lens, a mapping and their graph loaded together, as the ``questions``, ``coverage`` and ``explain``
commands need them."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from mappings.catalog import Lens, load_lens
from mappings.graph import build_graph
from mappings.mapping import Mapping, load_mapping


@dataclass(frozen=True)
class Bundle:
    """What the catalogue commands read."""

    lens: Lens
    mapping: Mapping
    graph: nx.DiGraph


def load_bundle(lens_path: Path | None = None, mapping_path: Path | None = None,
                check_ids: Iterable[str] | None = None) -> Bundle:
    """Load and validate the lens and mapping (defaults when None) and build their graph.

    ``check_ids`` are the ids the mapping may link (see ``load_mapping``).
    """
    lens = load_lens(lens_path)
    mapping = load_mapping(mapping_path, lens=lens, check_ids=check_ids)
    return Bundle(lens, mapping, build_graph(lens, mapping))


def add_source_options(p: argparse.ArgumentParser) -> None:
    """``--lens`` and ``--mapping``, as the scan has them."""
    p.add_argument("--lens", type=Path, metavar="FILE",
                   help="a custom lens (WA Tool custom-lens JSON) instead of the default lens")
    p.add_argument("--mapping", type=Path, metavar="FILE",
                   help="your own check-to-choice mapping: a TOML or JSON file, or a directory of them "
                        "(replaces the default mapping)")
