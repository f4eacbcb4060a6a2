"""The demo account scanned clean, then behind a fault layer (a fixed seed of throttling, 5xx pages,
connection resets, cut-short, non-JSON, HTML and empty answers), then with every answer an empty document
and with every list element lost: no finding flips from fail to pass, and no failing resource vanishes
without a *not assessed* that names why."""

from __future__ import annotations

import types
from collections.abc import Iterator

import boto3
import botocore.endpoint
import botocore.retries.bucket
import pytest

import scanner.collect
from scanner.model import Finding
from scanner.registry import discover
from scanner.runner import ScanResult, run_checks, select_checks
from scanner.session import open_target
from tests.faults import BODY_FAULTS, WIRE_FAULTS, FaultLayer, seeded_plan

SEED = 19
# Checks over the reads the issue names and the other list reads of the demo, global and regional.
CHECKS = [
    "s3.bucket_not_public", "s3.bucket_public_access_block", "s3.default_encryption", "s3.versioning_enabled",
    "logs.retention_set", "lambda.no_secrets_in_env", "lambda.runtime_supported", "ec2.instance_has_role",
    "ec2.imdsv2_required", "ec2.security_groups_restrict_admin_ports", "ec2.security_groups_restrict_db_ports",
    "ec2.volumes_encrypted", "ec2.elastic_ips_attached", "rds.storage_encrypted", "rds.multi_az",
    "rds.not_publicly_accessible", "secretsmanager.rotation_enabled", "guardduty.enabled",
    "cloudtrail.logging_all_regions", "config.recording_enabled", "iam.access_keys_rotated", "iam.no_admin_users",
    "iam.console_users_mfa", "kms.key_rotation_enabled", "dynamodb.pitr_enabled", "efs.encrypted",
    "elb.listeners_use_tls", "autoscaling.multi_az", "backup.resources_protected", "vpc.flow_logs_enabled",
]
# Who we are and which regions exist are read before any check; their faults are tested on their own.
SETUP_READS = {("sts", "GetCallerIdentity"), ("ec2", "DescribeRegions")}


def _spare_setup(plan):
    return lambda service, operation, key, attempt: (
        None if (service, operation) in SETUP_READS else plan(service, operation, key, attempt))


@pytest.fixture(scope="module")
def scans() -> Iterator[dict[str, tuple[ScanResult, FaultLayer | None]]]:
    """The clean scan and the faulted ones, all of one seeded demo account."""
    from moto import mock_aws
    from moto.moto_api._internal import mock_random

    from scanner.demo import DEMO_REGIONS, install_fill_ins, prepare_environment, seed_account

    prepare_environment()
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        # The faults are about what is concluded, not about pacing: no pauses between tries.
        mp.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda _s: None))
        mp.setattr(botocore.retries.bucket.TokenBucket, "acquire", lambda self, amount=1, block=True: True)
        mp.setattr(scanner.collect, "DAMAGED_PAUSE", 0)
        mock_random.seed(20201)
        demo = seed_account(boto3.Session(region_name="us-east-1"))
        chosen = select_checks(discover(plugins=False), CHECKS)

        def scan(layer: FaultLayer | None) -> tuple[ScanResult, FaultLayer | None]:
            session = boto3.Session(region_name="us-east-1")
            if layer is not None:
                layer.install(session)
            target = open_target(session, list(DEMO_REGIONS), max_attempts=3,
                                 after_guard=lambda s: install_fill_ins(s, demo))
            return run_checks(target, chosen, workers=8), layer

        yield {
            "clean": scan(None),
            "mixed": scan(FaultLayer(_spare_setup(seeded_plan(SEED, rate=0.3, persistent=0.04,
                                                              kinds=WIRE_FAULTS + BODY_FAULTS)))),
            "emptydoc": scan(FaultLayer(_spare_setup(lambda *_: "emptydoc"))),
            "nolist": scan(FaultLayer(_spare_setup(lambda *_: "nolist"))),
        }


def _key(f: Finding) -> tuple[str, str, str]:
    return f.check, f.region, f.resource


def compare(clean: ScanResult, faulted: ScanResult) -> dict[str, list]:
    """What the faulted scan concluded differently: flips from fail to pass, failing resources that
    vanished without a not_assessed for them or for their check in their region (or for the whole of a
    global check)."""
    after = {_key(f): f.status.value for f in faulted.findings}
    unassessed = {(f.check, f.region) for f in faulted.findings if f.status.value == "not_assessed"}
    flips, vanished = [], []
    for f in clean.findings:
        if f.status.value != "fail":
            continue
        now = after.get(_key(f))
        if now == "pass":
            flips.append(_key(f))
        elif now is None and not {(f.check, f.region), (f.check, "global")} & unassessed:
            vanished.append(_key(f))
    return {"flips": flips, "vanished": vanished}


@pytest.mark.parametrize("name", ["mixed", "emptydoc", "nolist"])
def test_no_fail_turns_into_a_pass_and_no_failing_resource_vanishes(scans, name):
    clean, _ = scans["clean"]
    faulted, layer = scans[name]
    assert layer is not None and layer.total > 0
    fails = sum(f.status.value == "fail" for f in clean.findings)
    assert fails >= 40, "the demo must fail enough resources for the comparison to mean something"
    assert compare(clean, faulted) == {"flips": [], "vanished": []}
    # what faults cost is said: the scan is partial and each gap names its read
    gaps = [f for f in faulted.findings if f.status.value == "not_assessed" and f.reason is not None
            and f.reason.makes_scan_partial]
    assert gaps and faulted.partial
    assert all(f.evidence.source and "\n" not in f.message for f in gaps)


def test_the_mixed_faults_are_of_every_kind_and_mostly_recovered(scans):
    clean, _ = scans["clean"]
    mixed, layer = scans["mixed"]
    assert layer is not None and set(layer.injected) == set(WIRE_FAULTS + BODY_FAULTS)
    after = {_key(f): f.status for f in mixed.findings}
    same = sum(1 for f in clean.findings if after.get(_key(f)) == f.status)
    # transient faults are retried to the same verdict; only the persistent ones cost findings
    assert same >= len(clean.findings) * 0.6
