"""``wa-scan permissions``: the least-privilege IAM policy for the selected checks (or for push)."""

from __future__ import annotations

import argparse
import json
import re

from scanner.errors import UsageError
from scanner.permissions import MANAGED_POLICY_LIMIT, PUSH_ACTIONS, policy_documents, scan_actions
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
               "  wa-scan permissions --checks guardduty.enabled > policy.json && aws iam create-policy "
               "--policy-name WaScanGuardDuty --policy-document file://policy.json\n"
               "  wa-scan permissions --part 1 > policy-1.json   # the first of the policies all checks need\n"
               "  wa-scan permissions --format cloudformation --trust 111111111111 > role.yaml   "
               "# for a StackSet in member accounts\n"
               "  wa-scan permissions --format terraform --trust 111111111111 > wa_scan.tf\n"
               "  wa-scan permissions --push\n"
               "When the actions need more than one managed policy (IAM allows 6,144 characters each), the\n"
               "terraform and cloudformation formats create them all; the json format prints one with --part N.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--checks", nargs="+", action="extend", metavar="ID", help="only these checks")
    p.add_argument("--services", nargs="+", action="extend", metavar="NAME", help="only these services")
    p.add_argument("--format", choices=("json", "terraform", "cloudformation"), default="json")
    p.add_argument("--push", action="store_true", help="the WA Tool write policy used by 'wa-scan push'")
    p.add_argument("--part", type=int, metavar="N",
                   help="with --format json, when the actions need several managed policies: print the Nth")
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
    docs = policy_documents(actions, sid)
    if args.format == "json":
        print(json.dumps(_one_part(docs, args.part), indent=2))
    elif args.part is not None:
        raise UsageError("--part is for --format json; terraform and cloudformation create every part")
    elif args.format == "terraform":
        print(_terraform(docs, name, args.trust, args.role_name))
    else:
        print(_cloudformation(docs, name, args.trust, args.role_name))
    return 0


def _one_part(docs: list[dict], part: int | None) -> dict:
    if part is None and len(docs) == 1:
        return docs[0]
    if part is None:
        raise UsageError(f"the actions need {len(docs)} managed policies (IAM allows {MANAGED_POLICY_LIMIT:,} "
                         f"characters each): print them one by one with --part 1 to --part {len(docs)}, or use "
                         "--format terraform or cloudformation, which create them all")
    if not 1 <= part <= len(docs):
        raise UsageError(f"--part {part}: the policy has {len(docs)} part{'s' if len(docs) > 1 else ''}")
    return docs[part - 1]


def _names(docs: list[dict], name: str) -> list[str]:
    """Policy names: the name itself for one policy, numbered for several."""
    return [name] if len(docs) == 1 else [f"{name}{i}" for i in range(1, len(docs) + 1)]


def _terraform(docs: list[dict], name: str, trust: str | None, role_name: str) -> str:
    out = []
    keys = ["wa_scan"] if len(docs) == 1 else [f"wa_scan_{i}" for i in range(1, len(docs) + 1)]
    for doc, key, policy_name in zip(docs, keys, _names(docs, name), strict=True):
        statement = doc["Statement"][0]
        actions = ",\n".join(f'      "{a}"' for a in statement["Action"])
        out += [
            f'data "aws_iam_policy_document" "{key}" {{\n  statement {{\n    sid       = "{statement["Sid"]}"\n'
            f'    effect    = "Allow"\n    actions   = [\n{actions}\n    ]\n    resources = ["*"]\n  }}\n}}\n',
            f'resource "aws_iam_policy" "{key}" {{\n  name   = "{policy_name}"\n'
            f'  policy = data.aws_iam_policy_document.{key}.json\n}}\n',
        ]
    if trust:
        out.append(
            f'resource "aws_iam_role" "wa_scan" {{\n  name = "{role_name}"\n'
            f'  assume_role_policy = jsonencode({{\n    Version = "2012-10-17"\n    Statement = [{{\n'
            f'      Effect    = "Allow"\n      Principal = {{ AWS = "arn:aws:iam::{trust}:root" }}\n'
            f'      Action    = "sts:AssumeRole"\n    }}]\n  }})\n}}\n'
        )
        out += [f'resource "aws_iam_role_policy_attachment" "{key}" {{\n  role       = aws_iam_role.wa_scan.name\n'
                f'  policy_arn = aws_iam_policy.{key}.arn\n}}\n' for key in keys]
    return "\n".join(out)


def _cloudformation(docs: list[dict], name: str, trust: str | None, role_name: str) -> str:
    text = ("AWSTemplateFormatVersion: '2010-09-09'\n"
            "Description: wa-scan read-only access (deploy in each member account, e.g. as a StackSet)\n"
            "Resources:\n")
    keys = ["WaScanPolicy"] if len(docs) == 1 else [f"WaScanPolicy{i}" for i in range(1, len(docs) + 1)]
    for doc, key, policy_name in zip(docs, keys, _names(docs, name), strict=True):
        statement = doc["Statement"][0]
        actions = "\n".join(f"              - {a}" for a in statement["Action"])
        text += (
            f"  {key}:\n"
            "    Type: AWS::IAM::ManagedPolicy\n"
            "    Properties:\n"
            f"      ManagedPolicyName: {policy_name}\n"
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
        ) + "".join(f"        - !Ref {key}\n" for key in keys)
    return text
