"""The page against the command line: 1,000 workbooks dropped on `jixiao serve`, loose
and as one .zip (picked in the browser, uploaded and read, progress bar and all, until
the projects table shows), against `jixiao extract` of the same folder and .zip. All in
one run, on one corpus; each the best of RUNS.

  python3 benches/page_bench.py [--projects 1000] [--runs 3]

Each page figure is given twice: from the moment the file input says it has the files
(its `change` event, what a person's drop starts) until the table is drawn, measured in
the page; and from Playwright's `set_input_files` until the table shows, which adds
handing the paths to the browser. The browser's own floor for the loose files is given
too: reading the same 1,000 Files in the page, as one Blob, with nothing sent.

Needs a release build (`cargo build --release --examples`), Playwright and Chromium,
as the page's test does. Prints one line per measurement and the ratios.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from page import chromium_path  # noqa: E402

# Set before the files are handed over: when the input has them, and when each table
# has been drawn (the page's own functions, wrapped).
HOOK = """() => {
  window.__changed = null;
  window.__drawn = null;
  document.getElementById('pick-files').addEventListener('change', () => { window.__changed = performance.now(); }, true);
  const draw = window.drawFindings;
  window.drawFindings = () => { draw(); window.__drawn = performance.now(); };
}"""

READ_FLOOR = """async () => {
  const files = [...document.getElementById('pick-files').files];
  const start = performance.now();
  const bytes = await new Blob(files).arrayBuffer();
  return [performance.now() - start, bytes.byteLength];
}"""


def best_cli(jx, target, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([jx, "extract", str(target), "-o", os.devnull], stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


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
    archive = work / "报送.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for f in files:
            z.write(f, os.path.relpath(f, corpus))

    cli = {"loose": best_cli(jx, corpus, args.runs), "zip": best_cli(jx, archive, args.runs)}

    from playwright.sync_api import sync_playwright
    shown, handed, floor = {"loose": [], "zip": []}, {"loose": [], "zip": []}, []
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
                for kind, picked in (("loose", files), ("zip", [str(archive)])):
                    page = browser.new_page()
                    page.goto(url)
                    page.wait_for_function("() => document.getElementById('dl-merged').href !== ''")
                    page.evaluate(HOOK)
                    start = time.perf_counter()
                    page.set_input_files("#pick-files", picked)
                    page.wait_for_function("() => window.__drawn !== null", timeout=600_000, polling=10)
                    handed[kind].append(time.perf_counter() - start)
                    shown[kind].append(page.evaluate("(window.__drawn - window.__changed) / 1000"))
                    count = page.locator("#projects tr.project").count()
                    assert count == args.projects, f"{count} projects shown, {args.projects} made"
                    page.close()
                # The browser reading the same files, with nothing sent or drawn.
                page = browser.new_page()
                page.set_content("<input type=file multiple id=pick-files>")
                page.set_input_files("#pick-files", files)
                floor.append(page.evaluate(READ_FLOOR)[0] / 1000)
                page.close()
            browser.close()
    finally:
        proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(f"jixiao extract, {len(files)} files in a folder: {cli['loose']:.2f} s; in one .zip: {cli['zip']:.2f} s (best of {args.runs})")
    print(f"the browser reading the {len(files)} files as one Blob, nothing sent: {min(floor):.2f} s")
    for kind, what in (("loose", f"{len(files)} files"), ("zip", "the same in one .zip")):
        a, b = min(shown[kind]), min(handed[kind])
        print(f"page, {what}: {a:.2f} s from the input's change to the table drawn "
              f"({a / cli['loose']:.2f}x extract of the folder), {b:.2f} s from set_input_files")


if __name__ == "__main__":
    main()
