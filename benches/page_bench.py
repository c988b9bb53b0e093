"""The page against the command line: 1,000 workbooks dropped on `jixiao serve`
(picked in the browser, uploaded and read, progress bar and all, until the projects
table shows) against `jixiao extract` of the same folder. Both in one run, on one
corpus; each the best of RUNS.

  python3 benches/page_bench.py [--projects 1000] [--runs 3]

Needs a release build (`cargo build --release --examples`), Playwright and Chromium,
as the page's test does. Prints one line per measurement and the ratio.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from page import chromium_path  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
    jx = str(target / "jixiao")
    work = Path(tempfile.mkdtemp(prefix="jixiao-page-bench-"))
    corpus = work / "corpus"
    subprocess.run([str(target / "examples" / "corpus"), "--projects", str(args.projects),
                    "--shapes", "official,stacked,plain,flat", "--seed", "7", "--out", str(corpus)],
                   check=True, stderr=subprocess.DEVNULL)
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file())

    cli = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([jx, "extract", str(corpus), "-o", os.devnull], stderr=subprocess.DEVNULL)
        cli.append(time.perf_counter() - start)

    from playwright.sync_api import sync_playwright
    page_times = []
    proc = subprocess.Popen([jx, "serve", "--no-open"], stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            m = re.search(r"(http://\S+)", proc.stderr.readline())
            url = m and m.group(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for _ in range(args.runs):
                page = browser.new_page()
                page.goto(url)
                page.wait_for_function("() => document.getElementById('dl-merged').href !== ''")
                start = time.perf_counter()
                page.set_input_files("#pick-files", files)
                page.wait_for_selector("#results:not([hidden])", timeout=600_000)
                page_times.append(time.perf_counter() - start)
                shown = page.locator("#projects tr.project").count()
                assert shown == args.projects, f"{shown} projects shown, {args.projects} made"
                page.close()
            browser.close()
    finally:
        proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    best_cli, best_page = min(cli), min(page_times)
    print(f"jixiao extract, {len(files)} files: {best_cli:.2f} s (best of {args.runs})")
    print(f"page, same files dropped until the table shows: {best_page:.2f} s (best of {args.runs})")
    print(f"page / extract: {best_page / best_cli:.2f}x")


if __name__ == "__main__":
    main()
