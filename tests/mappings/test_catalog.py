"""Loading lenses: the shipped catalogue and custom lenses in the WA Tool format, good and bad."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from mappings.catalog import default_lens, load_lens
from mappings.errors import MappingError
from tests.mappings.conftest import DATA

ACME = json.loads((DATA / "acme-lens.json").read_text())


def test_default_lens_is_loaded_once_and_keyed_on_ids():
    lens = load_lens()
    assert lens is load_lens() is default_lens()
    assert lens.info() == {"alias": "wellarchitected", "name": "AWS Well-Architected Framework",
                           "version": "2025-05-07"}
    assert [p.id for p in lens.pillars] == ["operationalExcellence", "security", "reliability", "performance",
                                            "costOptimization", "sustainability"]
    assert len(lens.questions()) == 57
    assert sum(len(q.choices) for q in lens.questions()) == 307
    identities = lens.question("identities")
    assert identities.label == "SEC 2" and identities.none_choice == "sec_identities_no"
    audit = identities.choice("sec_identities_audit")
    assert (audit.bp, audit.risk) == ("SEC02-BP05", "HIGH")
    assert identities.choice("sec_identities_no") is None  # the none choice is not a best practice
    assert lens.sources and not lens.custom


def test_custom_lens_loads_with_labels_implied_risks_and_none_choice(tmp_path):
    lens = load_lens(DATA / "acme-lens.json")
    assert lens.custom and lens.info()["name"] == "Acme Platform Standards"
    assert lens.info()["version"].startswith("sha256:")
    q1 = lens.question("acme_sec_01")
    assert q1.label == "Acme Security 1" and q1.none_choice == "acme_sec_01_no"
    assert [c.id for c in q1.choices] == ["keys_rotated", "no_long_lived_keys", "mfa_enforced"]
    assert lens.question("acme_rel_01").label == "REL 1"  # a WA pillar id keeps the WA prefix
    # A custom lens has no risk per choice: it is the question's risk when only that choice is missing.
    assert {c.id: c.risk for c in q1.choices} == {"keys_rotated": "MEDIUM", "no_long_lived_keys": "MEDIUM",
                                                  "mfa_enforced": "MEDIUM"}
    rel = lens.question("acme_rel_01")
    assert {c.id: c.risk for c in rel.choices} == {"backups_automated": "HIGH", "restores_tested": "MEDIUM"}
    assert [r.risk for r in q1.risk_rules] == ["NO_RISK", "MEDIUM_RISK", "HIGH_RISK"]


def _broken(edit) -> dict:
    lens = copy.deepcopy(ACME)
    edit(lens)
    return lens


Q = ("pillars", 0, "questions", 0)


def _q(lens: dict) -> dict:
    return lens["pillars"][0]["questions"][0]


@pytest.mark.parametrize("edit,message", [
    (lambda d: d.update(schemaVersion="2020-01-01"), "schemaVersion: '2020-01-01' is not supported"),
    (lambda d: d.pop("name"), "top level: 'name' missing"),
    (lambda d: _q(d).pop("riskRules"), "question acme_sec_01: 'riskRules' missing"),
    (lambda d: _q(d)["riskRules"].pop(), "question acme_sec_01: riskRules have no 'default' rule"),
    (lambda d: _q(d)["riskRules"].append({"condition": "default", "risk": "NO_RISK"}), "at most three"),
    (lambda d: _q(d)["riskRules"][0].update(risk="LOW"), "riskRules[0]: risk 'LOW' is not one of"),
    (lambda d: _q(d)["riskRules"][1].update(condition="keys_rotated ||"), "riskRules[1]: condition"),
    (lambda d: _q(d)["riskRules"][1].update(condition="keys_rotatd"),
     "condition names 'keys_rotatd', which is not a choice of this question"),
    (lambda d: _q(d)["choices"].append(dict(_q(d)["choices"][0])), "choice id 'keys_rotated' used twice"),
    (lambda d: _q(d)["choices"][0].update(id="x"), "id 'x' must be 3-128 letters"),
    (lambda d: d["pillars"][1]["questions"].append(copy.deepcopy(_q(d))), "question acme_sec_01: id used twice"),
    (lambda d: _q(d)["choices"].append({"id": "other_no", "title": "None"}), "more than one 'None of these'"),
    (lambda d: d.update(pillars=[]), "non-empty 'pillars' list"),
])
def test_bad_custom_lens_is_a_usage_error_naming_file_and_element(tmp_path, edit, message):
    path = tmp_path / "company.json"
    path.write_text(json.dumps(_broken(edit)))
    with pytest.raises(MappingError) as err:
        load_lens(path)
    assert str(err.value).startswith(f"lens {path}: ")
    assert message in str(err.value)


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    ('{"pillars": [{"id": "x"}]}', "neither a WA Tool custom lens"),
    ("[1, 2]", "expected a JSON object"),
])
def test_unreadable_lens_files(tmp_path, content, message):
    path = tmp_path / "lens.json"
    path.write_text(content)
    with pytest.raises(MappingError, match=message):
        load_lens(path)
    with pytest.raises(MappingError, match="cannot read"):
        load_lens(Path(tmp_path / "missing.json"))
