"""Suggestions with adapter ids: a control or rule that reported nothing is no gap in the evidence."""

from __future__ import annotations

from mappings.catalog import load_lens
from mappings.mapping import load_mapping
from mappings.suggest import suggest

CHOICE = "sec_identities_enforce_mechanisms"
IDS = {"iam.root_mfa_enabled", "securityhub.control.IAM.9"}


def _choice(tmp_path, findings: list[dict]) -> dict:
    link = ('[[link]]\ncheck = "{}"\nquestion = "identities"\nchoice = "' + CHOICE + '"\nstrength = "direct"\n'
            'on_pass = "supports"\non_fail = "contradicts"\nrationale = "r"\n\n')
    path = tmp_path / "m.toml"
    path.write_text("".join(link.format(c) for c in sorted(IDS)))
    lens = load_lens()
    out = suggest(findings, lens, load_mapping(path, lens=lens, check_ids=IDS), checks_run=sorted(IDS))
    return next(c for q in out for c in q["choices"] if c["choice"] == CHOICE)


def _f(check: str, status: str, fid: str) -> dict:
    return {"id": fid, "check": check, "status": status, "resource": "arn:aws:iam::123456789012:root",
            "severity": "high"}


def test_a_silent_control_leaves_our_passing_check_in_charge(tmp_path):
    assert _choice(tmp_path, [_f("iam.root_mfa_enabled", "pass", "a")])["suggestion"] == "supported"


def test_a_control_that_reported_still_counts(tmp_path):
    both = [_f("iam.root_mfa_enabled", "pass", "a"), _f("securityhub.control.IAM.9", "fail", "b")]
    assert _choice(tmp_path, both)["suggestion"] == "contradicted"


def test_nothing_reported_at_all_is_unknown(tmp_path):
    assert _choice(tmp_path, [])["suggestion"] == "unknown"
