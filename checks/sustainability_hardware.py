"""Accelerated hardware earns its footprint: GPU instances publish how busy their GPUs are, so idle or
oversized accelerators can be found and released."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, check

# NVIDIA GPU instance families (EC2 accelerated computing instance types): P and G families except the
# AMD-based g4ad, whose GPUs the CloudWatch agent's nvidia_smi plugin cannot read.
NVIDIA = re.compile(r"^(p\d+\w*|g\d+\w*)\.", re.I)
NOT_NVIDIA = re.compile(r"^g4ad\.", re.I)
# (namespace, metric) pairs that report GPU utilisation per instance: the CloudWatch agent's NVIDIA metrics
# (CloudWatch user guide, "Collect NVIDIA GPU metrics") and Container Insights for EKS GPU nodes.
GPU_METRICS = (("CWAgent", "nvidia_smi_utilization_gpu"), ("ContainerInsights", "node_gpu_utilization"))


def is_nvidia(instance_type: str) -> bool:
    """True for an instance type with NVIDIA GPUs."""
    return bool(NVIDIA.match(instance_type)) and not NOT_NVIDIA.match(instance_type)


def _reporting(ctx: CheckContext, namespace: str) -> dict[str, str]:
    """Instance id or host name -> metric name, for every instance publishing GPU utilisation."""
    out: dict[str, str] = {}
    for default_ns, metric in GPU_METRICS:
        ns = namespace if default_ns == "CWAgent" else default_ns
        for item in ctx.call("cloudwatch", "ListMetrics", Namespace=ns, MetricName=metric,
                             required=("Metrics",)).get("Metrics", []):
            for dim in item.get("Dimensions") or []:
                if dim.get("Name") in ("InstanceId", "host"):
                    out.setdefault(dim.get("Value", ""), f"{ns}/{metric}")
    return out


@check(
    id="ec2.gpu_utilization_monitored",
    title="GPU instances report their GPU utilisation",
    service="ec2",
    severity="low",
    effort="low",
    description="""Every running EC2 instance with NVIDIA GPUs (P and G families) publishes GPU utilisation
        to CloudWatch: the CloudWatch agent's nvidia_smi_utilization_gpu metric (namespace `namespace`,
        matched on its InstanceId or host dimension) or Container Insights' node_gpu_utilization. EC2's own
        metrics do not include the GPU, so without them an idle accelerator cannot be told from a busy one.
        ListMetrics is read only in regions with GPU instances. GPU metrics kept outside CloudWatch (a DCGM
        exporter into Prometheus) are not seen.""",
    remediation="""Add the nvidia_gpu section to the CloudWatch agent configuration (metrics_collected.nvidia_gpu
        with utilization_gpu and utilization_memory, append_dimensions InstanceId), or enable Container
        Insights on the EKS cluster; alarm on low utilisation and release or downsize idle GPU instances.""",
    reads=["ec2:DescribeInstances", "cloudwatch:ListMetrics"],
    options={"namespace": "CWAgent"},
)
def gpu_utilization_monitored(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running NVIDIA GPU instance."""
    gpus = [i for i in instances(ctx, states=("running",)) if is_nvidia(i.get("InstanceType", ""))]
    if not gpus:
        return
    reporting = _reporting(ctx, str(ctx.option("namespace")))
    for inst in gpus:
        iid = inst["InstanceId"]
        host = (inst.get("PrivateDnsName") or "").split(".")[0]
        metric = reporting.get(iid) or (reporting.get(host) if host else None) \
            or (reporting.get(inst.get("PrivateDnsName", "")) if inst.get("PrivateDnsName") else None)
        label = f"{name_tag(inst) or iid} ({inst['InstanceType']})"
        observed: dict[str, Any] = {"instance": iid, "type": inst["InstanceType"], "gpu_metric": metric}
        if metric:
            yield ctx.passed(instance_arn(ctx, iid), f"GPU instance {label} reports GPU utilisation ({metric})",
                             observed)
        else:
            yield ctx.failed(instance_arn(ctx, iid), f"GPU instance {label} publishes no GPU utilisation metric: "
                             "nobody can see whether its GPUs are busy", observed)
