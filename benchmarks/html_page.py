"""The practice page of 20 problems, `worksheet practice --problems 20 --level full --format html`,
for three networks (the reference's, 3-4-2 tanh with biases, softmax with cross-entropy): its size
(target: under 1 MB) and, in headless Chromium (Debian's, driven by Playwright), its first paint and
the moment the first problem's formulas are laid out (target: under 1 s)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import machine, sized, worksheet

PROBLEMS = sized(20, 2)
NETWORKS = {
    "reference": ["--spec", "reference"],
    "tanh-3-4-2": ["--layers", "3-4-2", "--activation", "tanh", "--bias"],
    "softmax-ce": ["--layers", "3-3-2", "--activation", "relu,softmax", "--loss", "cross_entropy", "--bias"],
}
# The commands benchmarks/compare.py times in two checkouts: a label and worksheet's arguments.
COMPARED = [(f"practice --problems {PROBLEMS} --format html, {name}",
             ["practice", "--seed", "11", "--problems", str(PROBLEMS), "--level", "full", *options, "--format", "html"])
            for name, options in NETWORKS.items()]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# The first contentful paint (waited for), then two animation frames: by then every formula of the
# problem shown is laid out as MathML (the page's math is in the HTML, made when it was written; no
# script typesets it).
PAINTED = """() => new Promise((done) => {
    new PerformanceObserver((list, observer) => {
        const paint = list.getEntriesByName('first-contentful-paint')[0];
        if (!paint) return;
        observer.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(() => {
            const maths = Array.from(document.querySelectorAll('math')).filter((m) => !m.closest('[hidden]'));
            done({fcp: paint.startTime, frame: performance.now(),
                  laid_out: maths.every((m) => m.getBoundingClientRect().width > 0)});
        }));
    }).observe({type: 'paint', buffered: true});
})"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or sys.exit("Debian's chromium is not installed (apt-get install chromium)")
    problems, runs = PROBLEMS, sized(5, 1)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, options in NETWORKS.items():
            out = Path(tmp) / name
            start = time.perf_counter()
            subprocess.run([*worksheet(), "practice", "--seed", "11", "--problems", str(problems), "--level", "full",
                            *options, "--format", "html", "--out", str(out)], check=True, capture_output=True)
            made = time.perf_counter() - start
            page_path = out / "practice.html"
            fcp, frame = [], []
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(page_path.as_uri())
                seen = page.evaluate(PAINTED)
                context.close()
                if not seen["laid_out"]:
                    sys.exit(f"{name}: a formula of the first problem was not laid out")
                fcp.append(seen["fcp"])
                frame.append(seen["frame"])
            print(f"{name:<11} {problems} problems: {page_path.stat().st_size / 1e6:.3f} MB (target < 1 MB), "
                  f"written in {made:.2f} s; first paint {statistics.median(fcp):.0f} ms, math laid out by "
                  f"{statistics.median(frame):.0f} ms (median of {runs}; target < 1000 ms)")
        browser.close()


if __name__ == "__main__":
    main()
