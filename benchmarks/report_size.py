"""Report size and load time for a benchmark account: how big report.html is and how fast a browser opens it.

Seeds the benchmark's synthetic account (``scale.py``'s presets) in moto, scans it with the normal
scanner code, writes the reports, then opens report.html in headless Chromium (Playwright) and
reports the file sizes, the findings behind them, and the time to the page's load event.

    python benchmarks/report_size.py --size medium --out /tmp/medium-report

``--pdf`` also renders report.pdf (needs the pdf extra) and counts its pages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = os.environ.get("WA_SCAN_CHROMIUM", "/usr/bin/chromium")


def scan_document(size_name: str) -> dict[str, Any]:
    """The scan.json of the benchmark account of ``size_name``."""
    import boto3
    from moto import mock_aws
    from scale import REGIONS, SIZES, seed

    from mappings.suggest import add_suggestions
    from scanner.demo import install_fill_ins, prepare_environment, seed_account
    from scanner.registry import discover
    from scanner.runner import run_checks, select_checks
    from scanner.session import open_target

    prepare_environment()
    size = SIZES[size_name]
    regions = list(REGIONS[: size["regions"]])
    with mock_aws():
        seeding = boto3.Session(region_name="us-east-1")
        demo = seed_account(seeding)
        seed(seeding, demo, size, regions)
        target = open_target(boto3.Session(region_name="us-east-1"), regions,
                             after_guard=lambda s: install_fill_ins(s, demo))
        available = discover(plugins=False)
        doc = run_checks(target, select_checks(available)).to_dict()
        add_suggestions(doc, checks={cid: reg.meta for cid, reg in available.items()})
    return doc


def load_time(path: Path, runs: int = 3) -> float:
    """Best of ``runs``: seconds from navigation to the load event of ``path`` in headless Chromium."""
    from playwright.sync_api import sync_playwright

    best = float("inf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for _ in range(runs):
                page = browser.new_page()
                start = time.monotonic()
                page.goto(path.resolve().as_uri(), wait_until="load")
                best = min(best, time.monotonic() - start)
                page.close()
        finally:
            browser.close()
    return best


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    p.add_argument("--out", type=Path, required=True, help="directory for scan.json and the reports")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf and count its pages")
    args = p.parse_args()
    from reports import build_view, render_reports
    from scanner.fsutil import atomic_write

    doc = scan_document(args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scan.json").write_text(json.dumps(doc), encoding="utf-8")
    start = time.monotonic()
    for name, data in render_reports(doc, ["html", "md", "csv"]).items():
        atomic_write(args.out / name, data)
    figures: dict[str, Any] = {
        "size": args.size, "findings": len(doc["findings"]),
        "statuses": dict(Counter(f["status"] for f in doc["findings"])),
        "render_s": round(time.monotonic() - start, 2),
        "bytes": {name: (args.out / name).stat().st_size for name in ("scan.json", "report.html", "report.md",
                                                                       "findings.csv")},
        "html_load_s": round(load_time(args.out / "report.html"), 2),
    }
    if args.pdf:
        from reports import render_html
        from reports.pdf import render_pdf

        start = time.monotonic()
        pdf = render_pdf(render_html(build_view(doc)))
        (args.out / "report.pdf").write_bytes(pdf)
        figures["pdf_s"] = round(time.monotonic() - start, 1)
        figures["pdf_bytes"] = len(pdf)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
