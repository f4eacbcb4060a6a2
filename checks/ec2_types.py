"""Instances run on current-generation EC2 instance types."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, check

# Instance families AWS lists as previous generation: "Previous generation instances" in the Amazon EC2
# Instance Types guide (docs.aws.amazon.com/ec2/latest/instancetypes/pg.html) and the upgrade-path page
# aws.amazon.com/ec2/previous-generation/; P3 and P3dn (NVIDIA V100) added when the guide moved them there,
# list checked December 2026. Kept as data because DescribeInstanceTypes' CurrentGeneration flag lags behind
# the documentation for several of these families; extend it with the extra_previous_families option when
# AWS retires more.
PREVIOUS_GENERATION = frozenset({
    "a1", "c1", "c3", "c4", "cc1", "cc2", "cg1", "cr1", "g2", "g3", "g3s", "hi1", "hs1", "i2",
    "m1", "m2", "m3", "m4", "p3", "p3dn", "r3", "r4", "t1",
})

# Where to look next, by family; a hint for the message, not a sizing recommendation.
SUCCESSORS = {
    "a1": "m7g / c7g", "c1": "c7i / c7g / c7a", "c3": "c7i / c7g / c7a", "c4": "c7i / c7g / c7a",
    "cc1": "c7i / hpc7g", "cc2": "c7i / hpc7g", "cg1": "g5 / g6", "cr1": "r7i / r7g", "g2": "g5 / g6",
    "g3": "g5 / g6", "g3s": "g5 / g6", "hi1": "i4i / i4g", "hs1": "d3 / d3en", "i2": "i4i / i4g",
    "m1": "m7i / m7g / m7a", "m2": "r7i / r7g", "m3": "m7i / m7g / m7a", "m4": "m7i / m7g / m7a",
    "p3": "p4d / p5 / g6e", "p3dn": "p4d / p5",
    "r3": "r7i / r7g / r7a", "r4": "r7i / r7g / r7a", "t1": "t3 / t4g",
}


def family(instance_type: str) -> str:
    """The family of an instance type: ``m4`` for ``m4.large``, ``u-6tb1`` for ``u-6tb1.metal``."""
    return instance_type.split(".", 1)[0].lower()


def previous_families(extra: str) -> frozenset[str]:
    """The built-in previous-generation families plus a comma-separated list of extra ones."""
    return PREVIOUS_GENERATION | {f.strip().lower() for f in extra.split(",") if f.strip()}


@check(
    id="ec2.current_generation_types",
    title="Instances use current-generation types",
    service="ec2",
    severity="low",
    effort="medium",
    description="""Running and stopped instances use current-generation instance types, not a family AWS
        lists as previous generation (M1-M4, C1-C4, R3-R4, T1, A1, I2, G2-G3, P3 and P3dn, and the retired
        cluster and high-I/O types). Newer generations give more performance per dollar and per watt.""",
    remediation="""Change the instance type to the current generation of the same family (stop, modify the
        instance type, start; or update the launch template), after checking the AMI supports the Nitro
        system (ENA and NVMe drivers). Consider the Graviton variant where the software runs on arm64.""",
    reads=["ec2:DescribeInstances"],
    options={"extra_previous_families": ""},
)
def current_generation_types(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running or stopped instance."""
    previous = previous_families(str(ctx.option("extra_previous_families")))
    for inst in instances(ctx):
        iid, itype = inst["InstanceId"], inst.get("InstanceType", "")
        fam = family(itype)
        label = f"Instance {iid}" + (f" ({name_tag(inst)})" if name_tag(inst) else "")
        observed = {"instance_id": iid, "instance_type": itype, "family": fam, "state": inst["State"]["Name"],
                    "previous_generation": fam in previous}
        if fam in previous:
            hint = SUCCESSORS.get(fam)
            observed["consider"] = hint
            yield ctx.failed(instance_arn(ctx, iid), f"{label} runs {itype}, a previous-generation type"
                             + (f"; consider {hint}" if hint else ""), observed)
        else:
            yield ctx.passed(instance_arn(ctx, iid), f"{label} runs {itype}, a current-generation type", observed)
