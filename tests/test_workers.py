"""No single event file stalls or crashes a build, read here or in worker processes; and
worker processes end with the build that started them, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import event_file

SLOW = event_file("Slow", body="[" * 4000)  # seconds of work for Markdown


def many_events(count: int = 250) -> dict[str, str]:
    """Enough event files for a build to read them in worker processes."""
    return {f"content/e{n:03d}.md": event_file(f"E{n}", f"{2000 + n % 20}-01-01")
            for n in range(count)}


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = process_stat(int(entry))
            if stat is not None and int(stat[1]) == pid:
                found.add(int(entry))
    return found


def process_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name: state, parent, ...; None once
    the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as file:
            return file.read().rpartition(")")[2].split()
    except OSError:
        return None


def alive(pid: int) -> bool:
    stat = process_stat(pid)
    return stat is not None and stat[0] != "Z"  # a zombie has ended; its reaper may be slow


def wait_until(condition, seconds: float) -> bool:
    """Poll `condition` until true or `seconds` passed: a bound that only catches a hang."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
def test_workers_end_when_the_build_is_killed_outright(make_site):
    # The slow file keeps a worker busy, and so the build running, for seconds.
    root = make_site({**many_events(), "content/slow.md": SLOW})
    jobs = os.cpu_count() or 1
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--source", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()

    def all_started() -> bool:
        workers.update(children_of(process.pid))
        return len(workers) >= jobs

    try:
        assert wait_until(all_started, 60), "the build started no worker processes"
        assert process.poll() is None, "the build ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)  # the main process only: no chance to clean up
        process.wait(timeout=60)
        assert wait_until(lambda: not any(alive(pid) for pid in workers), 20), (
            f"worker processes outlived the build: {sorted(filter(alive, workers))}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        for pid in filter(alive, workers):  # this test's own, left by a failure
            os.kill(pid, signal.SIGKILL)
