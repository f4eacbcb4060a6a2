"""The README's check tables name every built-in check, so a reader finds what each one flags."""

from __future__ import annotations

from pathlib import Path

from scanner.registry import discover

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_built_in_check_has_a_row_in_the_readme():
    rows = {line.split("|")[1].strip().strip("`") for line in README.read_text().splitlines()
            if line.startswith("| `")}
    missing = sorted(set(discover(plugins=False)) - rows)
    assert not missing, f"checks without a README row: {missing}"
