"""Where the time of a build after one edit goes, phase by phase, on a generated site.

    python benchmarks/phases.py --events 10000 --repeat 5

Builds once, then edits one event and builds again `repeat` times, in this process, with a timer
around each step of the pipeline and each piece of the incremental memory; prints the median of
each. Phases nest: `Builder._read_site` holds `read_events` and `assemble`; `Builder._render_pages`
holds `PageMemory.to_render` (which holds `Freshness.page_unchanged`, the output keys) and
`render_pages`, which holds the list pages and the exports.
Start-up and imports are not in these figures; `build.py` measures whole builds.
"""

from __future__ import annotations

import argparse
import collections
import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import generator.build as build_module
import generator.incremental.cache as cache_module
from generator.incremental.edits import EditMemory
from generator.incremental.freshness import Freshness
from generator.incremental.memory import Memory
from generator.incremental.rendered import PageMemory

from build import generate  # benchmarks/build.py: the same generated events

BUILDER_PHASES = ("up_to_date", "_read_site", "_render_pages", "snapshot")
MODULE_PHASES = ("load_cache", "load_settings", "read_events", "assemble", "copied_files",
                 "output_clashes", "render_pages", "write_site", "save_cache")
MEMORY_PHASES = ((Memory, "settle"), (EditMemory, "plan"), (PageMemory, "to_render"),
                 (Freshness, "page_unchanged"), (cache_module.Cache, "entries"))


def timed(totals: dict[str, float], name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    totals: dict[str, float] = collections.defaultdict(float)
    for name in BUILDER_PHASES:
        setattr(build_module.Builder, name,
                timed(totals, name, getattr(build_module.Builder, name)))
    for name in MODULE_PHASES:
        setattr(build_module, name, timed(totals, name, getattr(build_module, name)))
    for kind, name in MEMORY_PHASES:
        setattr(kind, name, timed(totals, f"{kind.__name__}.{name}", getattr(kind, name)))
    runs: dict[str, list[float]] = collections.defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="chronoline-phases-") as folder:
        site, output = Path(folder, "site"), Path(folder, "out")
        edited = generate(site, args.events)
        original = edited.read_text(encoding="utf-8")
        options = build_module.BuildOptions(root=site, output=output)
        build_module.build(options)
        for attempt in range(args.repeat):
            head, fence, text = original.rpartition("\n---\n")
            edited.write_text(f"{head}{fence}Edited in run {attempt + 1}. {text}",
                              encoding="utf-8")
            totals.clear()
            started = time.perf_counter()
            build_module.build(options)
            runs["build (all)"].append(time.perf_counter() - started)
            for name, seconds in totals.items():
                runs[name].append(seconds)
    print(f"{args.events} events, build after one edit, median of {args.repeat}, in process:")
    for name, seconds in sorted(runs.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {name:20} {statistics.median(seconds) * 1000:8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
