"""The practice page of 20 problems: its size (target: under 1 MB) and its first paint with math in
headless Chromium (target: under 1 s), for the three networks the browser tests use."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from htmlpages import NETWORKS, practice_page  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNS = 5

# After the first paint, the next animation frame: by then every formula of the problem shown is
# laid out as MathML (the page's math is in the HTML, built before; no script typesets it).
PAINTED = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const maths = Array.from(document.querySelectorAll('math')).filter((m) => !m.closest('[hidden]'));
    done({fcp: paint ? paint.startTime : null, frame: performance.now(),
          laid_out: maths.every((m) => m.getBoundingClientRect().width > 0), count: maths.length});
})))"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or sys.exit("Debian's chromium is not installed")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name in NETWORKS:
            start = time.perf_counter()
            page_path = practice_page(Path(tmp) / name, name, "full", problems=20)
            built = time.perf_counter() - start
            fcp, frame = [], []
            for _ in range(RUNS):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(page_path.as_uri())
                seen = page.evaluate(PAINTED)
                if not seen["laid_out"]:
                    sys.exit(f"{name}: a formula was not laid out")
                fcp.append(seen["fcp"])
                frame.append(seen["frame"])
                context.close()
            size = page_path.stat().st_size
            print(f"{name:<11} 20 problems, full level: {size / 1e6:.3f} MB (target < 1 MB), built in {built:.2f} s; "
                  f"first paint {statistics.median(fcp):.0f} ms, math laid out by {statistics.median(frame):.0f} ms "
                  f"(median of {RUNS}; target < 1000 ms)")
        browser.close()


if __name__ == "__main__":
    main()
