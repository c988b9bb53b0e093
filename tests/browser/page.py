"""Drives `jixiao serve` in a real browser (Chromium, through Playwright).

Run by tests/integration/page.rs with the jixiao binary, the seed workbooks and a
folder for what the test keeps (a screenshot of the page). Exits non-zero with a
message on the first thing that is not as it should be.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def chromium_path():
    for candidate in (os.environ.get("JIXIAO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # Playwright's own, if it was installed with `playwright install chromium`


def start(jixiao, tmp):
    env = dict(os.environ, TMPDIR=str(tmp))
    proc = subprocess.Popen(
        [jixiao, "serve", "--no-open"], stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"(http://\S+)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    sys.exit("jixiao serve printed no address within 30 s")


def main():
    jixiao, samples, keep = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    keep.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="jixiao-page-test-"))
    batch = work / "batch"
    batch.mkdir()
    seed = sorted(samples.glob("*.xlsx"))
    for f in seed[:2]:
        shutil.copy2(f, batch / f.name)
    # The other two as a department sends them: its folder zipped.
    with zipfile.ZipFile(batch / "报送.zip", "w") as z:
        for f in seed[2:]:
            z.write(f, f"机关工委/{f.name}")
    (batch / "损坏的报表.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    names = sorted(p.name for p in batch.iterdir())
    serve_tmp = work / "serve-tmp"
    serve_tmp.mkdir()

    # What the command line writes for the same files.
    cli_out = work / "cli.xlsx"
    subprocess.run([jixiao, "merge", *names, "-o", str(cli_out)], cwd=batch, capture_output=True)
    assert cli_out.exists(), "jixiao merge wrote nothing"

    proc, url = start(jixiao, serve_tmp)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path(),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(url)
            page.wait_for_function("() => document.getElementById('dl-merged').href !== ''")
            page.set_input_files("#pick-files", [str(batch / n) for n in names])
            page.wait_for_selector("#results:not([hidden])", timeout=60_000)

            # 小计 of the seed's department: 86.52.
            sub = page.locator("#projects tr.subtotal", has_text="中共黔南州直属机关工作委员会")
            assert sub.count() == 1, "no 小计 row for 中共黔南州直属机关工作委员会"
            cells = sub.locator("td").all_inner_texts()
            assert "86.52" in cells, f"小计 row shows {cells}, not 86.52"
            assert page.locator("#projects tr.project").count() == 4
            zipped = page.locator("#projects tr.project", has_text="报送.zip/机关工委/")
            assert zipped.count() == 2, "the zipped workbooks are not read in place"

            # The broken file is listed as refused, with the reader's reason.
            refused = page.locator("#refused tbody tr", has_text="损坏的报表.xlsx")
            assert refused.count() == 1, "the broken file is not listed as refused"
            reason = refused.locator("td").nth(1).inner_text()
            assert "损坏" in reason or "不是电子表格" in reason, f"refusal reason: {reason!r}"

            # Findings can be filtered by rule.
            page.select_option("#f-rule", "unreadable-file")
            shown = page.locator("#findings tbody tr")
            assert shown.count() == 1, f"{shown.count()} findings under unreadable-file"
            page.select_option("#f-rule", "")

            page.screenshot(path=str(keep / "page.png"), full_page=True)

            # The merged workbook downloaded equals `jixiao merge` of the same files.
            with page.expect_download() as d:
                page.click("#dl-merged")
            download = d.value
            assert download.suggested_filename == "汇总.xlsx", download.suggested_filename
            web = work / "web.xlsx"
            download.save_as(web)
            assert web.read_bytes() == cli_out.read_bytes(), "downloaded 汇总 differs from jixiao merge"

            # A project shown in the official layout.
            page.locator("#projects tr.project").first.click()
            page.wait_for_selector("#view[open] table.official")
            assert "年度总体目标" in page.locator("#view-body").inner_text()
            page.screenshot(path=str(keep / "project.png"))
            page.click("#view-close")

            # 退出 stops the server and removes what was uploaded.
            page.click("#quit")
            page.wait_for_selector("#bye:not([hidden])")
            browser.close()
        proc.wait(timeout=20)
        left = list(serve_tmp.iterdir())
        assert not left, f"temporary files left after 退出: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    print("page: ok")


if __name__ == "__main__":
    main()
