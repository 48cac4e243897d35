"""Time `chronoline serve` from saving one event file to (a) its page rewritten on disk and
(b) the browser showing the reloaded page, on generated sites.

    python benchmarks/serve.py --events 1000 10000 --saves 20 [--newest]

The event edited is one from the middle of the timeline; with --newest, one of the latest month,
which the timeline page and the embed page list as well as its year and tags.

On a site with search on, the saves begin once the server has made its first search index
(at 10,000 events it takes some 15 s, at a lower priority, in the pauses between edits).

Needs Debian's chromium (/usr/bin/chromium) and Playwright for Python.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from build import generate  # benchmarks/build.py: the same generated events

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def start_server(site: Path) -> tuple[subprocess.Popen, str, Path]:
    before = set(Path(tempfile.gettempdir()).glob("chronoline-serve-*"))
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--source", str(site),
                                "--port", "0"], stdout=subprocess.PIPE, text=True, bufsize=1)
    for line in process.stdout:
        if line.startswith("Serving at "):
            url = line.split()[2]
            break
    else:
        sys.exit("serve did not start")
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    (folder,) = set(Path(tempfile.gettempdir()).glob("chronoline-serve-*")) - before
    return process, url, folder


def wait_for_text(path: Path, text: str, timeout: float = 30) -> float:
    """Poll the served file until it holds `text`; return the time.time() it was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in path.read_text(encoding="utf-8"):
                return time.time()
        except OSError:
            pass
        time.sleep(0.0005)
    raise TimeoutError(f"{path} never showed {text!r}")


def wait_for_file(path: Path, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.05)


def measure(count: int, saves: int, search: bool = True, newest: bool = False,
            ) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        edited = generate(site, count, search)
        if newest:  # the generated files' names begin with their year and month
            edited = max((site / "content").rglob("*.md"), key=lambda p: p.name)
        original = edited.read_text(encoding="utf-8")
        slug = edited.stem
        process, url, folder = start_server(site)
        to_disk, to_reload = [], []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                page.goto(f"{url}events/{slug}/")
                page.wait_for_load_state("load")
                if search:  # the first index is made once the server listens: let it finish
                    wait_for_file(folder / "pagefind" / "bundles.json")
                for number in range(saves):
                    title = f"Edited title {number}"
                    text = re.sub(r"^title: .*$", f'title: "{title}"', original, count=1,
                                  flags=re.MULTILINE)
                    saved = time.time()
                    edited.write_text(text, encoding="utf-8")
                    on_disk = wait_for_text(folder / "events" / slug / "index.html", title)
                    page.wait_for_function(f"document.querySelector('h1').textContent === "
                                           f"{title!r}", timeout=30_000)
                    started, loaded = page.evaluate(
                        "[performance.timeOrigin, performance.timeOrigin + performance."
                        "getEntriesByType('navigation')[0].domContentLoadedEventEnd]")
                    to_disk.append((on_disk - saved) * 1000)
                    to_reload.append(loaded - saved * 1000)
                    if os.environ.get("SERVE_BENCH_DEBUG"):
                        print(page.evaluate("JSON.stringify(Object.fromEntries(['fetchStart',"
                                            "'requestStart','responseStart','responseEnd',"
                                            "'domInteractive','domContentLoadedEventEnd'].map("
                                            "k => [k, Math.round(performance.getEntriesByType("
                                            "'navigation')[0][k])])))"), file=sys.stderr)
                        print(page.evaluate("JSON.stringify(performance.getEntriesByType("
                                            "'resource').map(r => [r.name.slice(-20), "
                                            "Math.round(r.startTime), "
                                            "Math.round(r.responseEnd)]))"),
                              file=sys.stderr)
                        print(f"    disk {to_disk[-1]:.0f} ms, reload asked "
                              f"{started - saved * 1000:.0f} ms, loaded {to_reload[-1]:.0f} ms",
                              file=sys.stderr)
                    # An author saves every few seconds at most; the server makes the feeds
                    # and exports in such a pause, so the next save finds it idle.
                    time.sleep(1.0)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
        return to_disk, to_reload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--newest", action="store_true",
                        help="edit one of the latest events instead of one from the middle")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.saves} saves each")
    print(f"{'events':>8} {'disk median':>12} {'disk worst':>11} {'reload median':>14} "
          f"{'reload worst':>13}   (ms from saving the file)")
    for count in args.events:
        disk, reload = measure(count, args.saves, newest=args.newest)
        print(f"{count:>8} {statistics.median(disk):>12.1f} {max(disk):>11.1f} "
              f"{statistics.median(reload):>14.1f} {max(reload):>13.1f}", flush=True)


if __name__ == "__main__":
    main()
