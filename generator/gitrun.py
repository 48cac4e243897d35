"""Run git safely for what chronoline reads from a site's history: no shell, a time limit, a
limit on what it may print, and nothing from the user's environment or settings that could
make `git log` run another program."""

from __future__ import annotations

import os
import selectors
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120.0  # seconds for one git command: 20,000 commits take under two
MAX_OUTPUT = 256 * 1024 * 1024  # bytes one git command may print
# Settings that could make git run a program or a pager while it reads the history: set to
# do nothing whatever the repository's or the user's configuration says.
SAFE_SETTINGS = ("core.pager=cat", "core.fsmonitor=false", "core.hooksPath=/dev/null",
                 "diff.external=", "log.showSignature=false", "log.mailmap=false",
                 "core.untrackedCache=false", "gc.auto=0", "maintenance.auto=false")


class GitFailed(Exception):
    """git could not be run, or ended with an error, or took too long or said too much."""


@dataclass(frozen=True)
class Repository:
    """Where a site's folder is in its git repository."""

    prefix: str  # the site's folder from the repository's top, "" or ending with "/"
    head: str  # the commit checked out, or "" before the first commit
    shallow: bool  # a clone of only the last commits: older ones are missing


def environment() -> dict[str, str]:
    """The environment git runs in: the user's, without any GIT_ variable (GIT_DIR,
    GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF could point it elsewhere or make it run a
    program), with messages in plain English and no prompt."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C",
                "GIT_PAGER": "cat"})
    return env


def git(root: Path, *args: str, timeout: float = TIMEOUT, limit: int = MAX_OUTPUT,
        given: bytes = b"") -> bytes:
    """What `git ARGS` prints when run in `root`, `given` on its input; GitFailed when it
    cannot run, fails, takes longer than `timeout` seconds or prints more than `limit`
    bytes."""
    command = ["git", "--no-pager"]
    for setting in SAFE_SETTINGS:
        command += ["-c", setting]
    # Its input from a file: the loop below need then only read.
    with tempfile.TemporaryFile() as feed:
        feed.write(given)
        feed.seek(0)
        try:
            process = subprocess.Popen([*command, *args], cwd=root, env=environment(),
                                       stdin=feed, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
        except OSError as exc:  # git not installed, or not runnable
            raise GitFailed(f"git could not be run: {exc.strerror or exc}") from None
    try:
        out, err = _collect(process, timeout, limit)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    if process.returncode != 0:
        raise GitFailed(err.decode("utf-8", "replace").strip() or
                        f"git {args[0]} ended with status {process.returncode}")
    return out


def _collect(process: subprocess.Popen, timeout: float, limit: int) -> tuple[bytes, bytes]:
    """Both outputs of `process` until it closes them, within the limits."""
    assert process.stdout is not None and process.stderr is not None
    deadline = time.monotonic() + timeout
    chunks: dict[int, list[bytes]] = {process.stdout.fileno(): [], process.stderr.fileno(): []}
    size = 0
    with selectors.DefaultSelector() as selector:
        for stream in (process.stdout, process.stderr):
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise GitFailed(f"git took longer than {timeout:g} seconds")
            for key, _ in selector.select(left):
                data = os.read(key.fd, 1 << 20)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                chunks[key.fd].append(data)
                size += len(data)
                if size > limit:
                    raise GitFailed(f"git printed more than {limit:,} bytes")
    return (b"".join(chunks[process.stdout.fileno()]),
            b"".join(chunks[process.stderr.fileno()]))


def repository(root: Path) -> Repository:
    """The repository the site's folder is in; GitFailed when it is in none, or git is
    missing."""
    try:
        lines = _lines(git(root, "rev-parse", "--show-prefix", "--is-shallow-repository",
                           "HEAD"))
    except GitFailed:  # in none, or before the first commit: then HEAD names nothing
        lines = _lines(git(root, "rev-parse", "--show-prefix", "--is-shallow-repository"))
        lines.append("")
    if len(lines) != 3:
        raise GitFailed(f"git rev-parse said {lines!r}")
    return Repository(lines[0], lines[2], lines[1] == "true")


def _lines(out: bytes) -> list[str]:
    return out.decode("utf-8", "surrogateescape").split("\n")[:-1]
