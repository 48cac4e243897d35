"""Time `chronoline build` on generated sites: cold, warm and after one edit, with peak memory.

    python benchmarks/build.py --events 1000 10000 --repeat 3

Every build runs in a new process, so the times include interpreter start-up and imports.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 20180719
WORDS = ("government security network operators officials report board review equipment "
         "vendor ministry parliament committee contract regulator decision statement company "
         "agency investigation minister policy market spectrum rollout standard court ruling "
         "evidence analysts concerns supply chain trade export licence procurement telecom").split()
TAGS = ("uk us eu japan china germany france canada australia india huawei zte ericsson nokia "
        "samsung 5g 4g security procurement trade sanctions export-controls espionage courts "
        "parliament regulation spectrum cables satellites privacy surveillance cyberattack "
        "elections nato g7 wto standards semiconductors supply-chain investment mergers "
        "antitrust diplomacy military research universities cloud data-protection").split()
PUBLISHERS = ("Reuters", "Associated Press", "BBC News", "Financial Times", "Nikkei Asia",
              "Der Spiegel", "Le Monde", "The Guardian", "Bloomberg", "Politico Europe")
MONTHS = ("January February March April May June July August September October November "
          "December").split()
# Run by the measuring process: it starts the build as its only child and reports its wall
# time and two peaks of the memory of the build and all its worker processes added up, sampled
# from /proc, RSS every 10 ms and PSS less often (on Linux; elsewhere, both are the largest
# single process's ru_maxrss):
# - PSS, the proportional set size: a page that forked workers share with the main process
#   counts once, split among them. This is the memory all the processes need together.
# - RSS: each process's resident memory, shared pages counted again in every process that maps
#   them; an upper bound, far above PSS while workers run.
# The launcher is a bare interpreter, so that this script's own memory never shows in them.
LAUNCHER = """\
import os, resource, subprocess, sys, time

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

def tree_kib(pid, with_pss):
    rss = pss = 0
    todo = [pid]
    while todo:
        pid = todo.pop()
        try:  # each part alone: a process can end between two reads
            with open(f"/proc/{pid}/statm") as file:
                rss += int(file.read().split()[1]) * PAGE_KIB
            if with_pss:
                with open(f"/proc/{pid}/smaps_rollup") as file:
                    pss += next(int(line.split()[1]) for line in file
                                if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as file:
                    todo += [int(child) for child in file.read().split()]
        except OSError:
            pass
    return rss, pss

start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
rss_peak = pss_peak = 0
pss_due = 0.0
while child.poll() is None:
    if sys.platform == "linux":
        # Reading smaps_rollup walks the page tables of the processes, and holds them up
        # meanwhile: for gigabytes, milliseconds. PSS is read at most a twentieth of the time.
        now = time.perf_counter()
        rss, pss = tree_kib(child.pid, now >= pss_due)
        if now >= pss_due:
            pss_peak = max(pss_peak, pss)
            pss_due = now + 20 * (time.perf_counter() - now)
        rss_peak = max(rss_peak, rss)
    time.sleep(0.01)
wall = time.perf_counter() - start
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform != "linux":
    pss_peak = largest
print(wall, max(rss_peak, largest), pss_peak, child.returncode)
"""
RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 20))
    i = rng.randrange(len(words))
    roll = rng.random()
    if roll < 0.15:
        words[i] = f"*{words[i]}*"
    elif roll < 0.25:
        words[i] = f"**{words[i]}**"
    elif roll < 0.40:
        words[i] = f"[{words[i]}](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 9999)})"
    return " ".join(words).capitalize() + "."


def body(rng: random.Random) -> str:
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
                  for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.25:
        items = "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 4)))
        paragraphs.insert(rng.randint(1, len(paragraphs)), items)
    return "\n\n".join(paragraphs) + "\n"


def date_text(rng: random.Random, y: int, m: int, d: int) -> str:
    roll = rng.random()
    if roll < 0.10:
        return str(y)
    if roll < 0.30:
        return f"{y}-{m:02d}"
    if roll < 0.45:
        zone = rng.choice(("Z", "+01:00", "-05:00", "+09:00"))
        hour, minute = rng.randint(0, 23), rng.randrange(0, 60, 5)
        return f"{y}-{m:02d}-{d:02d}T{hour:02d}:{minute:02d}:00{zone}"
    if roll < 0.50:
        return f'"{d} {MONTHS[m - 1]} {y}"'
    return f"{y}-{m:02d}-{d:02d}"


def edtf_text(rng: random.Random, y: int, m: int, d: int) -> str:
    """A date in EDTF, which its parser takes milliseconds over: qualified, unspecified, or an
    interval."""
    return rng.choice((f'"{y}?"', f'"{y}-{m:02d}~"', f'"{y}-{m:02d}-{d:02d}%"', f'"{y // 10}X"',
                       f'"{y}-{m:02d}/{y + 1}"'))


def event_file(rng: random.Random, number: int, edtf: bool = False) -> tuple[str, str]:
    """One event: (path under content/, file text); with `edtf`, dated in EDTF."""
    y, m, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
    title = " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize()
    written = edtf_text(rng, y, m, d) if edtf else date_text(rng, y, m, d)
    lines = ["---", f'title: "{title}"', f"date: {written}",
             f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 4)))}]", "sources:"]
    for _ in range(rng.randint(1, 3)):
        lines += [f"  - url: https://news.example.com/{y}/{rng.randint(1, 10**6)}",
                  f'    title: "{" ".join(rng.choices(WORDS, k=6)).capitalize()}"',
                  f"    publisher: {rng.choice(PUBLISHERS)}"]
        if rng.random() < 0.6:
            lines.append(f"    date: {y}-{m:02d}-{d:02d}")
    slug = "-".join(title.lower().split()[:5])
    folder = f"{y}/{m:02d}" if number % 3 else str(y)  # files at two depths
    return f"{folder}/{y}-{m:02d}-{slug}-{number:06d}.md", "\n".join(lines) + "\n---\n" + body(rng)


def generate(site: Path, count: int, search: bool = True, edtf: bool = False) -> Path:
    """Write `count` events (written as they are made) and return one of them to edit; with
    `search` off, a site that makes no search index; with `edtf`, dates in EDTF."""
    rng = random.Random(SEED)
    site.mkdir()
    (site / "chronoline.toml").write_text('title = "Benchmark"\ntimezone = "Europe/London"\n'
                                          + ("" if search else "search = false\n"))
    paths = []
    for number in range(count):
        relative, text = event_file(rng, number, edtf)
        path = site / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths[count // 2]


def run_build(site: Path, output: Path, *options: str) -> tuple[float, float, float]:
    """Build in a new process; return (wall seconds, peak MB as PSS, peak MB as RSS)."""
    command = [sys.executable, "-m", "generator", "build",
               "--source", str(site), "--output", str(output), "--quiet", *options]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command],
                          capture_output=True, text=True, check=True)
    wall, rss, pss, code = done.stdout.split()
    if code != "0":
        sys.exit(f"chronoline build failed ({code}):\n{done.stderr}")
    return float(wall), int(pss) * RSS_UNIT / 2**20, int(rss) * RSS_UNIT / 2**20


def measure(count: int, repeat: int, search: bool = True, edtf: bool = False) -> list[float]:
    """Medians of (cold s, warm s, one-edit s, peak MB of any of them as PSS, and as RSS) for
    `count` events."""
    with tempfile.TemporaryDirectory(prefix="chronoline-bench-") as folder:
        site, output = Path(folder, "site"), Path(folder, "out")
        edited = generate(site, count, search, edtf)
        original = edited.read_text(encoding="utf-8")
        time.sleep(2)  # files younger than 2 s are compared by content: let them settle
        runs = []
        for attempt in range(repeat):
            shutil.rmtree(output, ignore_errors=True)
            cold, *peaks = run_build(site, output, "--clean")  # cold: without the build cache
            built = sum(1 for _ in (output / "events").iterdir())
            if built != count:
                sys.exit(f"expected {count} event pages, found {built}")
            warm, *warm_peaks = run_build(site, output)
            # Changes the first paragraph, which is also the summary on index, year and tag pages.
            head, fence, text = original.rpartition("\n---\n")
            edited.write_text(f"{head}{fence}Edited in run {attempt + 1}. {text}", encoding="utf-8")
            edit, *edit_peaks = run_build(site, output)
            pss, rss = (max(kind) for kind in zip(peaks, warm_peaks, edit_peaks, strict=True))
            runs.append((cold, warm, edit, pss, rss))
            print(f"  N={count} run {attempt + 1}: cold {cold:.2f}s warm {warm:.2f}s "
                  f"edit {edit:.2f}s peak {pss:.0f} MB PSS, {rss:.0f} MB RSS (PSS of the cold, "
                  f"warm, edit builds: {peaks[0]:.0f}, {warm_peaks[0]:.0f}, "
                  f"{edit_peaks[0]:.0f} MB)", file=sys.stderr)
        return [statistics.median(column) for column in zip(*runs, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000], metavar="N")
    parser.add_argument("--repeat", type=int, default=3, metavar="K")
    parser.add_argument("--edtf", action="store_true",
                        help="date the events in EDTF (1984?, 2004-06~, 201X, 1990/1995)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}", flush=True)
    rows = [(n, *measure(n, args.repeat, edtf=args.edtf)) for n in args.events]
    print(f"median of {args.repeat} runs; every build in a new process")
    print(f"{'N':>8} {'cold s':>8} {'warm s':>8} {'one-edit s':>10} {'PSS MB':>8} "
          f"{'RSS MB':>8} {'ms/event':>9}")
    for n, cold, warm, edit, pss, rss in rows:
        print(f"{n:>8} {cold:>8.2f} {warm:>8.2f} {edit:>10.2f} {pss:>8.0f} {rss:>8.0f} "
              f"{cold * 1000 / n:>9.2f}")


if __name__ == "__main__":
    main()
