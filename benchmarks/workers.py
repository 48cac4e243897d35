"""Time a cold build three ways: in one process, with forked workers, with spawned workers.

    TMPDIR=/some/private/folder python benchmarks/workers.py --events 1000 10000 --repeat 3

Spawned workers are how worker processes start where they cannot be forked (macOS, Windows):
each one imports chronoline and its libraries anew, and is sent all it works on. This
measures them on this machine (any platform that has them) by naming the start method in
CHRONOLINE_START_METHOD (see generator/workers.py), to decide whether such platforms build
faster with workers or without (`use_workers`). Every build runs in a new process, as
`chronoline build` does (the same collector settings), from nothing (`--clean`, an empty
output folder), and the three ways take turns, so that a slow spell of a shared machine falls
on all three alike. Figures: wall seconds from the start of the interpreter to its end
(median, and the fastest run, least disturbed on a shared machine), CPU seconds of all the
build's processes (median: what the workers cost beside the time they save) and the highest
peak of the memory of all processes added up (PSS; see build.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.workers import START_METHOD_VARIABLE

from build import LAUNCHER, RSS_UNIT, generate  # benchmarks/build.py: the same events

# Run in a process of its own: a build as the command runs it (its collector settings, see
# generator/cli.py), with a number of worker processes the command does not let one choose.
# It writes the CPU seconds of itself and its workers (ended and waited for) to a file.
BUILD = """\
import gc, resource, sys
from pathlib import Path
from generator.build import BuildOptions, build
from generator.cli import _no_full_collection
gc.freeze()
with _no_full_collection():
    build(BuildOptions(root=Path(sys.argv[1]), output=Path(sys.argv[2]), clean=True,
                       jobs=int(sys.argv[3])))
used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
Path(sys.argv[4]).write_text(str(sum(u.ru_utime + u.ru_stime for u in used)))
"""
JOBS = os.cpu_count() or 1
# Each way: the number of processes that build, and the start method of the workers.
WAYS = {"one process": (1, None), "forked": (JOBS, "fork"), "spawned": (JOBS, "spawn")}


def run_build(site: Path, output: Path, jobs: int, method: str | None,
              ) -> tuple[float, float, float]:
    """One cold build in a new process: (wall seconds, CPU seconds, peak MB of all its
    processes as PSS)."""
    shutil.rmtree(output, ignore_errors=True)
    env = dict(os.environ)
    env.pop(START_METHOD_VARIABLE, None)
    if method is not None:
        env[START_METHOD_VARIABLE] = method
    cpu_file = output.with_name("cpu")
    command = [sys.executable, "-c", BUILD, str(site), str(output), str(jobs), str(cpu_file)]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], env=env,
                          capture_output=True, text=True, check=True)
    wall, _rss, pss, code = done.stdout.split()
    if code != "0":
        sys.exit(f"the build failed ({code}):\n{done.stderr}")
    return float(wall), float(cpu_file.read_text()), int(pss) * RSS_UNIT / 2**20


def measure(count: int, repeat: int) -> dict[str, tuple[float, float, float, float]]:
    """For each way: median wall seconds, fastest wall seconds, median CPU seconds, highest
    peak MB, of `repeat` builds."""
    runs: dict[str, list[tuple[float, float, float]]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="chronoline-workers-") as folder:
        site, output = Path(folder, "site"), Path(folder, "out")
        generate(site, count)
        time.sleep(2)  # files younger than 2 s are compared by content: let them settle
        for attempt in range(repeat):
            for way, (jobs, method) in WAYS.items():
                runs[way].append(run_build(site, output, jobs, method))
                built = sum(1 for _ in (output / "events").iterdir())
                if built != count:
                    sys.exit(f"{way}: expected {count} event pages, found {built}")
            print(f"  N={count} run {attempt + 1}: " + ", ".join(
                f"{way} {runs[way][-1][0]:.2f}s ({runs[way][-1][1]:.2f}s CPU)" for way in WAYS),
                file=sys.stderr, flush=True)
    return {way: (statistics.median(wall for wall, _, _ in done), min(w for w, _, _ in done),
                  statistics.median(cpu for _, cpu, _ in done), max(pss for _, _, pss in done))
            for way, done in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000], metavar="N")
    parser.add_argument("--repeat", type=int, default=3, metavar="K")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{JOBS} CPUs, {platform.system()} {platform.machine()}; {JOBS} workers", flush=True)
    rows = [(n, measure(n, args.repeat)) for n in args.events]
    print(f"cold build; wall s: median of {args.repeat} runs (fastest); CPU s of all processes "
          "(median); peak MB (PSS); every build in a new process")
    print(f"{'N':>7}  {'way':12} {'wall s':>7} {'(fastest)':>9} {'CPU s':>7} {'MB':>5} "
          f"{'wall / one process':>19}")
    for n, figures in rows:
        for way, (wall, fastest, cpu, pss) in figures.items():
            ratio = wall / figures["one process"][0]
            print(f"{n:>7}  {way:12} {wall:>7.2f} {f'({fastest:.2f})':>9} {cpu:>7.2f} "
                  f"{pss:>5.0f} {ratio:>19.2f}")


if __name__ == "__main__":
    main()
