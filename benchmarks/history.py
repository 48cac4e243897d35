"""The cost of the git history: a site of N events in a repository of M commits (made quickly
with `git fast-import`), built cold, warm, and after one new commit, with the history on and
with `history = false`; and a dev server's rebuild after one edit, on and off.

    python benchmarks/history.py --events 10000 --commits 20000

Builds run in new processes (as benchmarks/build.py runs them); the dev server's rebuild runs
in this one, with a Builder kept between renders as `serve` keeps it.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import SEED, generate, run_build  # benchmarks/build.py, beside this file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.build import Builder, BuildOptions  # noqa: E402 (after the path is set)
from generator.githistory import read_history  # noqa: E402

START = 1420070400  # 2015-01-01, the first commit's time
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
       "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


def git(site: Path, *args: str, given: bytes | None = None) -> str:
    done = subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org",
                           "-c", "init.defaultBranch=main", *args], cwd=site, input=given,
                          capture_output=True, env=ENV, check=True)
    return done.stdout.decode()


def history(site: Path, commits: int) -> None:
    """Commit the site's events one by one, then edit random ones until there are `commits`
    commits, a tenth of the edits with a Correction: or Update: trailer; the working tree is
    left as the last commit has it."""
    rng = random.Random(SEED)
    files = sorted(p.relative_to(site).as_posix() for p in (site / "content").rglob("*.md"))
    texts = {path: (site / path).read_bytes() for path in files}
    stream: list[bytes] = []
    for number in range(commits):
        if number < len(files):
            path, message = files[number], f"Add {files[number]}"
        else:
            path = rng.choice(files)
            texts[path] += f"\nEdit {number}.\n".encode()
            message = f"Edit {path}"
            if number % 10 == 0:
                kind = "Correction" if number % 20 == 0 else "Update"
                message += f"\n\n{kind}: change number {number}."
        data = message.encode() + b"\n"
        stream += [b"commit refs/heads/main\n", b"mark :%d\n" % (number + 1),
                   b"committer Bench <bench@example.org> %d +0000\n" % (START + number * 600),
                   b"data %d\n" % len(data), data]
        if number:
            stream.append(b"from :%d\n" % number)
        content = texts[path]
        stream += [f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(content), content,
                   b"\n"]
    git(site, "init", "-q")
    (site / ".gitignore").write_text(".chronoline-cache/\n", encoding="utf-8")
    git(site, "fast-import", "--quiet", given=b"".join(stream))
    git(site, "checkout", "-q", "-f", "main")
    git(site, "add", "chronoline.toml", ".gitignore")
    git(site, "commit", "-q", "-m", "Settings")


def commit_one(site: Path, edited: Path, number: int) -> None:
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text + f"\nCommitted edit {number}.\n", encoding="utf-8")
    git(site, "commit", "-q", "-a", "-m", f"Edit {number}\n\nCorrection: edit {number}.")


def set_history(site: Path, on: bool) -> None:
    config = site / "chronoline.toml"
    text = config.read_text(encoding="utf-8").replace("history = false\n", "")
    config.write_text(text + ("" if on else "history = false\n"), encoding="utf-8")


def builds(site: Path, output: Path, edited: Path, label: str) -> None:
    cold, *_ = run_build(site, output, "--clean")
    warm, *_ = run_build(site, output)
    commit_one(site, edited, int(time.time()))
    time.sleep(2)  # files younger than 2 s are compared by content: let the edit settle
    after, *_ = run_build(site, output)
    print(f"{label:>12} {cold:>8.2f} {warm:>8.2f} {after:>14.2f}", flush=True)


def one_edit(site: Path, edited: Path, label: str) -> None:
    """A dev server's rebuild after one file is saved (no commit: the history stays)."""
    builder = Builder(BuildOptions(root=site, output=site.parent / "serve-out"))
    builder.render()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text + "\nSaved once more.\n", encoding="utf-8")
    started = time.perf_counter()
    builder.render(changed=[edited.relative_to(site).as_posix()])
    print(f"{label:>12} one-edit render {time.perf_counter() - started:.3f} s", flush=True)
    edited.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000, metavar="N")
    parser.add_argument("--commits", type=int, default=20000, metavar="M")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chronoline-history-") as folder:
        site, output = Path(folder, "site"), Path(folder, "out")
        edited = generate(site, args.events)
        started = time.perf_counter()
        history(site, max(args.commits, args.events))
        print(f"{args.events} events, {max(args.commits, args.events)} commits made in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        read = read_history(site)
        print(f"git log read and parsed alone: {time.perf_counter() - started:.2f} s, "
              f"{len(read.files)} files", flush=True)
        time.sleep(2)
        print(f"{'':>12} {'cold s':>8} {'warm s':>8} {'after commit s':>14}")
        for on in (True, False):
            set_history(site, on)
            builds(site, output, edited, "history on" if on else "history off")
        for on in (True, False):
            set_history(site, on)
            one_edit(site, edited, "history on" if on else "history off")


if __name__ == "__main__":
    main()
