"""What the search index costs: `chronoline build` of generated sites with `search` on and off
(cold, warm, one edit; wall time and peak memory of the build and every process it starts,
Pagefind included), and Pagefind alone: the time to index every bundle, the time to index the
one bundle an edit touches, and the peak memory of the Pagefind process. With Debian's
chromium, also a reader's first and second search in the built site, from typing to results.

    TMPDIR=/tmp/bench-search python benchmarks/search.py --events 10000 --repeat 1

Every build runs in a new process, as in build.py, whose generated sites these are."""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from generator.build import Builder, BuildOptions
from generator.search import buckets, language, record
from generator.searchindex import Pagefind

from build import generate, run_build


def timed_build(site: Path, output: Path, *options: str) -> tuple[float, float, float, float]:
    """(wall s, CPU s of every process of the build, Pagefind and workers included, peak MB
    as PSS, as RSS): the CPU time says more than the wall time on a machine others share."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, pss, rss = run_build(site, output, *options)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, pss, rss


def builds(site: Path, output: Path, edited: Path, search: bool, attempt: int) -> tuple:
    """(cold s, warm s, one-edit s and the CPU s of each, peak MB as PSS, as RSS) with `search`
    on or off."""
    config = 'title = "Benchmark"\ntimezone = "Europe/London"\n'
    (site / "chronoline.toml").write_text(config + ("" if search else "search = false\n"))
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(site / ".chronoline-cache", ignore_errors=True)
    time.sleep(2)  # files younger than 2 s are compared by content: let them settle
    cold, cold_cpu, *peaks = timed_build(site, output, "--clean")
    if search != (output / "pagefind" / "bundles.json").exists():
        sys.exit(f"search = {search}, yet pagefind/ is {'missing' if search else 'there'}")
    warm, warm_cpu, *warm_peaks = timed_build(site, output)
    text = edited.read_text(encoding="utf-8")
    head, fence, body = text.rpartition("\n---\n")
    edited.write_text(f"{head}{fence}Edited {attempt} {search}. {body}", encoding="utf-8")
    edit, edit_cpu, *edit_peaks = timed_build(site, output)
    pss, rss = (max(kind) for kind in zip(peaks, warm_peaks, edit_peaks, strict=True))
    return cold, warm, edit, cold_cpu, warm_cpu, edit_cpu, pss, rss


def peak_mb(pid: int) -> float:
    """The highest resident memory of a running process so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as file:
        line = next(line for line in file if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def pagefind_alone(site: Path) -> tuple[float, float, float, int, float]:
    """(s to index every bundle, s for the largest bundle alone, peak MB of Pagefind, bundles,
    s to make the records of every event) for the site's events."""
    config, _sources, timeline = Builder(BuildOptions(root=site, jobs=1)).read()
    groups = buckets(timeline.events)
    started = time.perf_counter()
    shown: dict = {}
    records = {folder: [record(event, config, shown) for event in group]
               for folder, group in groups.items()}
    made_records = time.perf_counter() - started
    with Pagefind() as pagefind:
        started = time.perf_counter()
        for folder_records in records.values():
            pagefind.bundle(folder_records, language(config))
        every = time.perf_counter() - started
        largest = max(records.values(), key=len)
        started = time.perf_counter()
        pagefind.bundle(largest, language(config))
        one = time.perf_counter() - started
        peak = peak_mb(pagefind._process.pid) if sys.platform == "linux" else float("nan")
    return every, one, peak, len(groups), made_records


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def reader(output: Path) -> tuple[float, float] | None:
    """(ms to the first results, with Pagefind loading; ms to the next) in Chromium, typing
    a word that many events hold; None without Chromium or Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    handler = functools.partial(_Quiet, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            for word in ("spectrum", "regulator"):
                page.locator("#site-search-input").fill("")
                started = time.perf_counter()
                page.locator("#site-search-input").fill(word)
                page.wait_for_function("document.querySelectorAll('#site-search-results li')"
                                       ".length > 0", timeout=60_000)
                times.append((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10000], metavar="N")
    parser.add_argument("--repeat", type=int, default=1, metavar="K")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.machine()}", flush=True)
    for count in args.events:
        with tempfile.TemporaryDirectory(prefix="chronoline-bench-search-") as folder:
            site, output = Path(folder, "site"), Path(folder, "out")
            edited = generate(site, count)
            rows = {True: [], False: []}
            for attempt in range(args.repeat):
                for search in (False, True):
                    rows[search].append(builds(site, output, edited, search, attempt))
            every, one, peak, bundles, made = pagefind_alone(site)
            searched = reader(output)
        print(f"\nN={count}: builds, median of {args.repeat}; every build in a new process")
        print(f"{'search':>8} {'cold s':>8} {'warm s':>8} {'one-edit s':>10} {'cold CPU s':>11} "
              f"{'warm CPU s':>11} {'edit CPU s':>11} {'PSS MB':>8} {'RSS MB':>8}")
        for search in (False, True):
            columns = zip(*rows[search], strict=True)
            *times, pss, rss = (statistics.median(column) for column in columns)
            print(f"{'on' if search else 'off':>8} "
                  + " ".join(f"{t:>{w}.2f}" for t, w in zip(times, (8, 8, 10, 11, 11, 11),
                                                            strict=True))
                  + f" {pss:>8.0f} {rss:>8.0f}")
        print(f"Pagefind alone: {bundles} bundles; records of every event {made:.2f} s; "
              f"every bundle {every:.2f} s; the largest bundle again {one:.2f} s; "
              f"peak memory of the Pagefind process {peak:.0f} MB")
        if searched is not None:
            print(f"A reader's search in Chromium (typing to results, 80 ms of it the box's "
                  f"pause): first {searched[0]:.0f} ms (Pagefind loads), "
                  f"next {searched[1]:.0f} ms")


if __name__ == "__main__":
    main()
