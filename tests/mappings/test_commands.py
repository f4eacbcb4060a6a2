"""``wa-scan questions``, ``coverage`` and ``explain``, with the default and a custom lens."""

from __future__ import annotations

import json

import pytest

from scanner.cli import main
from tests.mappings.conftest import DATA

ACME = ["--lens", str(DATA / "acme-lens.json"), "--mapping", str(DATA / "acme-mapping.toml")]


def _json(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_questions_json_counts_choices_with_evidence(capsys):
    out = _json(capsys, ["questions", "--pillar", "SEC", "--format", "json"])
    rows = {r["question"]: r for r in out["questions"]}
    assert len(rows) == 11 and all(r["pillar"] == "security" for r in rows.values())
    identities = rows["identities"]
    assert identities["label"] == "SEC 2" and identities["choices"] == 6
    assert identities["choices_with_evidence"] >= 2
    assert "iam.access_keys_rotated" in identities["checks"]
    audit = next(c for c in identities["choice_list"] if c["choice"] == "sec_identities_audit")
    assert "iam.access_keys_rotated" in audit["checks"]


def test_questions_table_and_bad_pillar(capsys):
    assert main(["questions", "--pillar", "reliability"]) == 0
    out = capsys.readouterr().out
    assert "REL 9" in out and "SEC 2" not in out and "best-practice choices have automated evidence" in out
    assert main(["questions", "--pillar", "nope"]) == 2
    assert "--pillar 'nope': no such pillar" in capsys.readouterr().err


def test_coverage_per_pillar(capsys):
    out = _json(capsys, ["coverage", "--format", "json"])
    assert [p["pillar"] for p in out["pillars"]][:3] == ["operationalExcellence", "security", "reliability"]
    assert out["total"]["choices"] == 307 and out["total"]["questions"] == 57
    assert out["total"]["choices_with_evidence"] == sum(p["choices_with_evidence"] for p in out["pillars"]) > 0
    security = out["pillars"][1]
    assert "identities" not in security["questions_without_evidence"]
    # every link is listed with its strength; a direct link makes its choice count as directly evidenced
    assert len(out["links"]) == out["mapping"]["links"] == sum(out["mapping"]["by_strength"].values())
    direct = {(lk["question"], lk["choice"]) for lk in out["links"] if lk["strength"] == "direct"}
    assert out["total"]["choices_with_direct_evidence"] == len(direct) > 0
    assert main(["coverage"]) == 0
    text = capsys.readouterr().out
    assert "Total" in text and "/307" in text and "no check informs" in text


def test_coverage_of_a_custom_lens(capsys):
    out = _json(capsys, ["coverage", "--format", "json", *ACME])
    assert out["lens"]["name"] == "Acme Platform Standards"
    assert out["total"] == {"questions": 4, "questions_with_evidence": 3, "choices": 8, "choices_with_evidence": 4,
                            "choices_with_direct_evidence": 3}


def test_explain_a_choice_by_id_or_bp_code(capsys):
    assert main(["explain", "SEC02-BP05"]) == 0
    by_bp = capsys.readouterr().out
    assert main(["explain", "sec_identities_audit"]) == 0
    assert capsys.readouterr().out == by_bp
    assert "Audit and rotate credentials periodically" in by_bp
    assert "iam.access_keys_rotated  [direct; pass supports, fail contradicts]" in by_bp
    assert main(["explain", "SEC11-BP01"]) == 0  # training: no API shows it
    assert "No check informs this best practice" in capsys.readouterr().out


def test_explain_a_check_and_a_question(capsys):
    out = _json(capsys, ["explain", "iam.access_keys_rotated", "--format", "json"])
    assert out["kind"] == "check" and out["check"]["severity"] == "high"
    pairs = {(i["question"], i["choice"]) for i in out["informs"]}
    assert ("identities", "sec_identities_audit") in pairs
    assert all(i["rationale"] and i["strength"] in ("direct", "indicative") for i in out["informs"])
    assert main(["explain", "SEC 2"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("SEC 2 (identities):") and "choices have automated evidence" in text


def test_explain_with_a_custom_lens(capsys):
    out = _json(capsys, ["explain", "no_long_lived_keys", "--format", "json", *ACME])
    assert [c["check"] for c in out["choices"][0]["checks"]] == ["ec2.instance_has_role", "iam.access_keys_rotated"]


@pytest.mark.parametrize("key,hint", [
    ("sec_identites_audit", "did you mean 'sec_identities_audit'?"),
    ("iam.access_key_rotated", "did you mean 'iam.access_keys_rotated'?"),
    ("zzzzzzzz", "'wa-scan questions' and 'wa-scan checks' list them"),
])
def test_explain_unknown_id_is_one_line_with_a_hint(capsys, key, hint):
    assert main(["explain", key]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"unknown choice, check or question {key!r}" in err and hint in err


def test_commands_refuse_bad_lens_and_mapping_files(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["coverage", "--lens", str(bad)]) == 2
    assert f"lens {bad}: not valid JSON" in capsys.readouterr().err
    assert main(["questions", "--lens", str(DATA / "acme-lens.json")]) == 2
    assert "pass --mapping" in capsys.readouterr().err
