"""The examples the mapping audit had to catch stay caught, in every file of the default mapping."""

from __future__ import annotations

import pytest

from mappings.catalog import load_lens
from mappings.mapping import load_mapping


@pytest.fixture(scope="module")
def links():
    """(check, BP code) -> the link, over the whole default mapping (every file, whoever wrote it)."""
    lens = load_lens()
    bp = {c.id: c.bp for q in lens.questions() for c in q.choices}
    return {(link.check, bp[link.choice]): link for link in load_mapping(lens=lens, check_ids=None).links}


@pytest.mark.parametrize("check,bp,why", [
    ("s3.bucket_not_public", "SEC05-BP02", "a bucket policy is not a network layer"),
    ("s3.bucket_not_public", "SEC03-BP08", "public exposure belongs to SEC03-BP07"),
    ("guardduty.enabled", "SEC04-BP01", "a detector is not a log source"),
    ("events.guardduty_findings_routed", "OPS08-BP04", "security findings are not workload alerts"),
])
def test_wrong_links_are_gone(links, check, bp, why):
    assert (check, bp) not in links, why


@pytest.mark.parametrize("check,bp", [
    ("s3.bucket_not_public", "SEC03-BP07"),
    ("s3.bucket_not_public", "SEC08-BP04"),
    ("cloudwatch.alarms_have_actions", "OPS08-BP04"),
])
def test_missing_obvious_links_are_there(links, check, bp):
    assert (check, bp) in links


def test_a_pass_that_does_not_show_the_practice_is_silent(links):
    # a rotated key is still a long-lived credential
    assert links["iam.access_keys_rotated", "SEC02-BP02"].on_pass == "silent"
    # Macie switched on classifies nothing by itself
    assert links["macie.enabled", "SEC07-BP03"].on_pass == "silent"
    # finding non-compliant resources is not remediating them
    assert links["securityhub.enabled", "SEC04-BP04"].on_pass == "silent"
    assert links["config.recording_enabled", "SEC04-BP04"].on_pass == "silent"


def test_a_proxy_never_contradicts_and_sse_s3_is_not_a_key_management_failure(links):
    graviton = [link for (check, _), link in links.items() if check == "ec2.graviton_share"]
    assert graviton and all(link.on_fail == "silent" for link in graviton)  # "a prompt, not proof"
    sse = links.get(("s3.default_encryption", "SEC08-BP01"))
    assert sse is None or sse.on_fail == "silent"


def test_direct_links_are_where_the_check_observes_the_practice(links):
    assert links["iam.root_mfa_enabled", "SEC01-BP02"].strength == "direct"
    assert links["iam.root_no_access_keys", "SEC01-BP02"].strength == "direct"
    assert links["ec2.graviton_share", "PERF02-BP01"].strength == "indicative"
