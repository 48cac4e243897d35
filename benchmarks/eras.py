"""What one save costs the dev server on a generated site with eras and lanes: an edit of an
event's text, and an edit of an era's text and of its dates.

    python benchmarks/eras.py --events 10000 --eras 20 --repeat 5

A Builder kept between renders, as `chronoline serve` keeps one (one process, no workers),
renders the pages after each save; the figure is the median time of that render, in process
(start-up, writing to disk and the browser's reload are not in it: serve.py measures those).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator.build import Builder, BuildOptions

from build import generate  # benchmarks/build.py: the same generated events


def timed_render(builder: Builder, changed: Path, root: Path) -> float:
    started = time.perf_counter()
    builder.render(data=False, changed={changed.relative_to(root).as_posix()})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--eras", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chronoline-eras-") as folder:
        site = Path(folder, "site")
        event = generate(site, args.events, search=False, eras=args.eras, lanes=True)
        era = sorted((site / "content" / "eras").glob("*.md"))[0]
        builder = Builder(BuildOptions(root=site, output=Path(folder, "out"), jobs=1))
        started = time.perf_counter()
        builder.render(data=False)
        print(f"{args.events} events, {args.eras} eras, 8 lanes: first render "
              f"{time.perf_counter() - started:.2f} s", flush=True)
        event_text, era_text = event.read_text("utf-8"), era.read_text("utf-8")
        times: dict[str, list[float]] = {"event text": [], "era text": [], "era dates": []}
        for attempt in range(args.repeat):
            head, fence, body = event_text.rpartition("\n---\n")
            event.write_text(f"{head}{fence}Edited {attempt}. {body}", "utf-8")
            times["event text"].append(timed_render(builder, event, site))
            head, fence, body = era_text.rpartition("\n---\n")
            era.write_text(f"{head}{fence}Edited {attempt}. {body}", "utf-8")
            times["era text"].append(timed_render(builder, era, site))
            era.write_text(re.sub(r"^end: .*$", f"end: {2023 - attempt % 2}", era_text,
                                  flags=re.MULTILINE), "utf-8")
            times["era dates"].append(timed_render(builder, era, site))
    print(f"one save, render of the pages, median of {args.repeat}:")
    for name, seconds in times.items():
        print(f"  {name:12} {statistics.median(seconds) * 1000:8.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
