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


@pytest.mark.parametrize("check,bp,why", [
    ("guardduty.enabled", "OPS01-BP05", "a detector on is not the team evaluating the threat landscape"),
    ("securityhub.control.GuardDuty.1", "SEC01-BP04", "a detector on is not the team staying up to date"),
    ("securityhub.control.CloudTrail.2", "SEC08-BP02", "SSE-S3 trail logs are encrypted at rest without KMS"),
    ("securityhub.control.CloudWatch.1", "SEC04-BP03", "one root-activity alarm is not correlation"),
    ("trustedadvisor.check.0Xc6LMYG8P", "REL01-BP01", "quota headroom does not show the team knows its quotas"),
    ("accessanalyzer.finding.ExternalAccess", "SEC03-BP08", "access from outside is SEC03-BP07, not sharing within"),
    ("trustedadvisor.check.ePs02jT06w", "SEC03-BP08", "a public snapshot is public access (SEC03-BP07)"),
    ("trustedadvisor.check.rSs93HQwa1", "SEC03-BP08", "a public snapshot is public access (SEC03-BP07)"),
    ("securityhub.control.ECR.1", "SEC06-BP04", "vulnerability scanning is not software integrity"),
    ("securityhub.control.CloudTrail.4", "SEC04-BP02", "log file validation is forensics, not a log location"),
    ("config.rule.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "SEC04-BP02", "log file validation is forensics"),
])
def test_wrong_links_of_the_second_audit_are_gone(links, check, bp, why):
    assert (check, bp) not in links, why


def test_a_service_switched_on_does_not_support_governance_or_compliance(links):
    for check, bp in [("securityhub.enabled", "OPS01-BP04"), ("securityhub.enabled", "SEC01-BP03"),
                      ("config.recording_enabled", "OPS01-BP04"), ("config.rule.SECURITYHUB_ENABLED", "SEC01-BP03"),
                      ("securityhub.control.Config.1", "SEC01-BP03"), ("securityhub.control.Config.1", "SEC04-BP04"),
                      ("securityhub.control.GuardDuty.1", "SEC04-BP03"),
                      ("config.rule.GUARDDUTY_ENABLED_CENTRALIZED", "SEC04-BP03"),
                      ("securityhub.control.Macie.1", "SEC07-BP03")]:
        assert links[check, bp].on_pass == "silent", (check, bp)


def test_native_backups_never_support_cross_region_or_cross_account_recovery(links):
    for (check, bp), link in links.items():
        if check == "backup.resources_protected" and (bp == "REL09-BP02" or bp.startswith("REL13")):
            assert link.on_pass == "silent", bp


def test_instance_recovery_is_not_autoscaling_and_object_acls_are_named(links):
    assert links["ec2.instances_in_asg", "REL07-BP01"].on_pass == "silent"
    assert "automatic recovery" in links["ec2.instances_in_asg", "REL11-BP03"].rationale
    for bp in ("SEC03-BP07", "SEC08-BP04"):
        assert "object" in links["s3.bucket_not_public", bp].rationale.lower(), bp
