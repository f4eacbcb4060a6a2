"""``wa-scan permissions``: the least-privilege IAM policy for the selected checks (or for push)."""

from __future__ import annotations

import argparse
import json
import re

from scanner.errors import UsageError
from scanner.permissions import PUSH_ACTIONS, policy_document, scan_actions
from scanner.registry import discover
from scanner.runner import select_checks

ORDER = 35
ROLE_NAME = "WaScanReadOnly"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``permissions`` to the CLI."""
    p = sub.add_parser(
        "permissions", help="print the least-privilege IAM policy a scan needs",
        description="Print the IAM policy with exactly the read actions the selected checks declare, "
                    "plus identity and region discovery. The push to the WA Tool needs its own, "
                    "separate policy (--push).",
        epilog="examples:\n"
               "  wa-scan permissions > policy.json && aws iam create-policy --policy-name WaScanReadOnly "
               "--policy-document file://policy.json\n"
               "  wa-scan permissions --format cloudformation --trust 111111111111 > role.yaml   "
               "# for a StackSet in member accounts\n"
               "  wa-scan permissions --format terraform --trust 111111111111 > wa_scan.tf\n"
               "  wa-scan permissions --push",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--checks", nargs="+", action="extend", metavar="ID", help="only these checks")
    p.add_argument("--services", nargs="+", action="extend", metavar="NAME", help="only these services")
    p.add_argument("--format", choices=("json", "terraform", "cloudformation"), default="json")
    p.add_argument("--push", action="store_true", help="the WA Tool write policy used by 'wa-scan push'")
    p.add_argument("--trust", metavar="ACCOUNT",
                   help="with terraform/cloudformation: also a role named WaScanReadOnly that ACCOUNT may assume")
    p.add_argument("--role-name", default=ROLE_NAME, help=f"name of that role (default: {ROLE_NAME})")
    p.add_argument("--no-plugins", action="store_true", help="ignore checks from installed plugins")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the policy."""
    if args.trust is not None and not re.fullmatch(r"\d{12}", args.trust):
        raise UsageError(f"--trust {args.trust!r}: expected a 12-digit AWS account id")
    if args.trust is not None and args.format == "json":
        raise UsageError("--trust needs --format terraform or cloudformation")
    if args.push:
        actions, sid, name = list(PUSH_ACTIONS), "WaScanPushToWellArchitectedTool", "WaScanPush"
    else:
        chosen = select_checks(discover(plugins=not args.no_plugins), args.checks or (), args.services or ())
        actions, sid, name = scan_actions(c.meta for c in chosen), "WaScanReadOnly", "WaScanReadOnly"
    doc = policy_document(actions, sid)
    if args.format == "json":
        print(json.dumps(doc, indent=2))
    elif args.format == "terraform":
        print(_terraform(doc, name, args.trust, args.role_name))
    else:
        print(_cloudformation(doc, name, args.trust, args.role_name))
    return 0


def _terraform(doc: dict, name: str, trust: str | None, role_name: str) -> str:
    statement = doc["Statement"][0]
    actions = ",\n".join(f'      "{a}"' for a in statement["Action"])
    out = [
        f'data "aws_iam_policy_document" "wa_scan" {{\n  statement {{\n    sid       = "{statement["Sid"]}"\n'
        f'    effect    = "Allow"\n    actions   = [\n{actions}\n    ]\n    resources = ["*"]\n  }}\n}}\n',
        f'resource "aws_iam_policy" "wa_scan" {{\n  name   = "{name}"\n'
        f'  policy = data.aws_iam_policy_document.wa_scan.json\n}}\n',
    ]
    if trust:
        out.append(
            f'resource "aws_iam_role" "wa_scan" {{\n  name = "{role_name}"\n'
            f'  assume_role_policy = jsonencode({{\n    Version = "2012-10-17"\n    Statement = [{{\n'
            f'      Effect    = "Allow"\n      Principal = {{ AWS = "arn:aws:iam::{trust}:root" }}\n'
            f'      Action    = "sts:AssumeRole"\n    }}]\n  }})\n}}\n\n'
            f'resource "aws_iam_role_policy_attachment" "wa_scan" {{\n  role       = aws_iam_role.wa_scan.name\n'
            f'  policy_arn = aws_iam_policy.wa_scan.arn\n}}\n'
        )
    return "\n".join(out)


def _cloudformation(doc: dict, name: str, trust: str | None, role_name: str) -> str:
    statement = doc["Statement"][0]
    actions = "\n".join(f"              - {a}" for a in statement["Action"])
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Description: wa-scan read-only access (deploy in each member account, e.g. as a StackSet)\n"
        "Resources:\n"
        "  WaScanPolicy:\n"
        "    Type: AWS::IAM::ManagedPolicy\n"
        "    Properties:\n"
        f"      ManagedPolicyName: {name}\n"
        "      PolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        f"          - Sid: {statement['Sid']}\n"
        "            Effect: Allow\n"
        "            Resource: '*'\n"
        "            Action:\n"
        f"{actions}\n"
    )
    if trust:
        text += (
            "  WaScanRole:\n"
            "    Type: AWS::IAM::Role\n"
            "    Properties:\n"
            f"      RoleName: {role_name}\n"
            "      AssumeRolePolicyDocument:\n"
            "        Version: '2012-10-17'\n"
            "        Statement:\n"
            "          - Effect: Allow\n"
            f"            Principal: {{AWS: 'arn:aws:iam::{trust}:root'}}\n"
            "            Action: sts:AssumeRole\n"
            "      ManagedPolicyArns:\n"
            "        - !Ref WaScanPolicy\n"
        )
    return text
