"""chronoline's speed in one table: builds (cold, warm, one edit), the dev server
(one edit to disk and to the reloaded page) and peak memory, at each size, beside Hugo.

    python benchmarks/table.py --events 1000 10000 100000 --repeat 5 --saves 20 \\
        --peers /tmp/bench/results.tsv

Builds run as in build.py (each in a new process; medians; peak memory of all processes
added up, as PSS and as RSS), the dev server as in serve.py (medians over the saves). With
--peers, the Hugo column and the ratios come from a results.tsv of the peer benchmark run on
the same machine (shared/bench/run_peers.sh), whose cold builds are timed the same way.
The sites make their search index unless --no-search (the way to compare with Hugo, which
has none).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
from pathlib import Path

import build
import serve


def hugo_medians(results: Path) -> dict[int, float]:
    """Hugo's cold-build median in seconds, by number of events; the last line wins."""
    medians = {}
    with results.open(encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            if row["generator"] == "hugo":
                medians[int(row["n"])] = float(row["median_s"])
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000], metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="K", help="builds of each kind")
    parser.add_argument("--saves", type=int, default=20, help="saves timed in the dev server")
    parser.add_argument("--no-serve", action="store_true", help="leave the dev server out")
    parser.add_argument("--no-search", action="store_true",
                        help="sites with search = false, as Hugo has no search")
    parser.add_argument("--peers", type=Path, help="results.tsv of shared/bench/run_peers.sh")
    args = parser.parse_args()
    hugo = hugo_medians(args.peers) if args.peers else {}
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.machine()}; builds: median of {args.repeat}, each in a new process; "
          f"serve: median of {args.saves} saves", flush=True)
    rows = []
    for count in args.events:
        cold, warm, edit, pss, rss = build.measure(count, args.repeat, not args.no_search)
        disk = reload = float("nan")
        if not args.no_serve:
            to_disk, to_reload = serve.measure(count, args.saves, not args.no_search)
            disk, reload = statistics.median(to_disk), statistics.median(to_reload)
        rows.append((count, cold, warm, edit, disk, reload, pss, rss, hugo.get(count)))
        print(f"  N={count} done", file=sys.stderr, flush=True)
    print()
    print("| events | cold s | warm s | one edit s | serve: to disk ms | serve: to reload ms "
          "| peak MB, all processes: PSS | RSS | Hugo cold s | cold / Hugo | warm / Hugo "
          "| edit / Hugo |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, cold, warm, edit, disk, reload, pss, rss, hugo_cold in rows:
        ratios = (f"{hugo_cold:.2f} | {cold / hugo_cold:.2f} | {warm / hugo_cold:.2f} | "
                  f"{edit / hugo_cold:.2f}" if hugo_cold else "– | – | – | –")
        print(f"| {count} | {cold:.2f} | {warm:.2f} | {edit:.2f} | {disk:.0f} | {reload:.0f} "
              f"| {pss:.0f} | {rss:.0f} | {ratios} |")


if __name__ == "__main__":
    main()
