"""Where the time and the memory of a cold build go: its phases, and its processes at the peak.

    python benchmarks/cold.py --events 10000 --repeat 3

Builds a generated site from nothing (`--clean`) `repeat` times, each in a new process, and prints
for each phase the wall time and the CPU time of this process and of the worker processes
(medians), then the peak of the memory of all processes (Linux: PSS from /proc) and how it was
made up at that moment: this process, and each worker's pages shared with other processes and
its own. Start-up and imports are not in these figures; `build.py` measures whole builds.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import generator.build as build_module

from build import generate  # benchmarks/build.py: the same generated events

PHASES = ("parse", "render_in_workers", "write_site", "save_cache")
TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu() -> float:
    """CPU seconds the worker processes have used: those still running, read from /proc, and
    those ended and waited for. The difference of two readings counts each one's CPU between
    them, whether it started, ended or ran throughout."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ended.ru_utime + ended.ru_stime
    for child in multiprocessing.active_children():
        try:
            with open(f"/proc/{child.pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        except OSError:
            pass
    return total


def timed(runs: dict[str, list[tuple[float, float, float]]], name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu, workers = time.perf_counter(), time.process_time(), workers_cpu()
        try:
            return function(*args, **kwargs)
        finally:
            runs[name].append((time.perf_counter() - wall, time.process_time() - cpu,
                               workers_cpu() - workers))
    return wrapper


def memory(pid: int) -> dict[str, int]:
    """Pss, Shared_* and Private_* of a process, in MB."""
    found: dict[str, int] = collections.Counter()
    try:
        with open(f"/proc/{pid}/smaps_rollup") as file:
            for line in file:
                name, _, rest = line.partition(":")
                if name in ("Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
                            "Private_Dirty"):
                    found[name.split("_")[0]] += int(rest.split()[0]) // 1024
    except OSError:
        pass
    return found


class PeakSampler(threading.Thread):
    """Samples this process and its children every 200 ms; keeps the sample of the highest
    total PSS. (Reading a process's PSS walks its page tables: sampled more often, it costs
    the build CPU time, which is counted in this process's.)"""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak: tuple[int, dict, list[dict]] = (0, {}, [])
        self.running = True

    def run(self) -> None:
        while self.running:
            main = memory(os.getpid())
            workers = [memory(child.pid) for child in multiprocessing.active_children()]
            total = main["Pss"] + sum(worker["Pss"] for worker in workers)
            if total > self.peak[0]:
                self.peak = (total, main, workers)
            time.sleep(0.2)


def measure(site: Path, output: Path) -> dict:
    """One cold build of `site`, timed and sampled; run in a process of its own."""
    runs: dict[str, list[tuple[float, float, float]]] = collections.defaultdict(list)
    for name in PHASES:
        setattr(build_module, name, timed(runs, name, getattr(build_module, name)))
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    build_module.build(build_module.BuildOptions(root=site, output=output, clean=True))
    whole = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    return {"phases": {name: measured[0] for name, measured in runs.items()}, "whole": whole,
            "peak": sampler.peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, type=Path, help=argparse.SUPPRESS)  # site, output
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="chronoline-cold-") as folder:
        site, output = Path(folder, "site"), Path(folder, "out")
        generate(site, args.events)
        for _attempt in range(args.repeat):
            # Each build in a new process, as `chronoline build` runs: a build keeps what it
            # made for as long as its process lives (see BuildOptions.once).
            done = subprocess.run([sys.executable, __file__, "--one", str(site), str(output)],
                                  stdout=subprocess.PIPE, text=True)
            if done.returncode != 0:  # its error is on stderr, shown as it came
                sys.exit(f"the build failed with status {done.returncode}")
            results.append(json.loads(done.stdout))
    print(f"{args.events} events, cold build, median of {args.repeat}, each in a new process:")
    print(f"  {'phase':20} {'wall s':>8} {'CPU s, here':>12} {'CPU s, workers':>15}")
    for name in results[0]["phases"]:
        columns = zip(*(result["phases"][name] for result in results), strict=True)
        wall, cpu, workers = (statistics.median(column) for column in columns)
        print(f"  {name:20} {wall:8.2f} {cpu:12.2f} {workers:15.2f}")
    print(f"  {'whole build':20} {statistics.median(r['whole'] for r in results):8.2f}")
    if sys.platform == "linux":
        total, here, workers = max((result["peak"] for result in results),
                                   key=lambda peak: peak[0])
        print(f"peak memory of all processes, the highest of {args.repeat}: {total} MB (PSS)")
        print(f"  this process: PSS {here['Pss']} MB, shared {here['Shared']}, "
              f"own {here['Private']}")
        for number, worker in enumerate(workers, start=1):
            print(f"  worker {number}: PSS {worker['Pss']} MB, shared {worker['Shared']}, "
                  f"own {worker['Private']}")


if __name__ == "__main__":
    sys.exit(main())
