"""No single event file stalls or crashes a build, read here or in worker processes; and
worker processes end with the build that started them, however it ends."""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import generator.content
import generator.workers
from generator.build import BuildOptions, build
from generator.errors import BuildFailed, ContentErrors
from generator.filelimit import FILE_SECONDS_VARIABLE, TookTooLong, took_too_long
from generator.workers import (
    PARALLEL_FROM,
    SPAWN_FROM,
    START_METHOD_VARIABLE,
    start_method,
    use_workers,
)

from conftest import Served, event_file, read_html

# 29,000 links, ten to a paragraph: within every bound on a file's shape (see content.py), and
# still 1-2 s to read on this machine. A real file, slow in the real reader: nothing is put to
# sleep. The limit in these tests, 0.5 s, leaves room for a machine twice as fast, and far
# more for the other files, which take a few milliseconds each.
SLOW = event_file("Slow", body="\n\n".join([" ".join(["[a](https://example.org/x)"] * 10)]
                                            * 2900))
LIMIT = "0.5"
SLOW_ERROR = ("content/slow.md: took more than 0.5 s to read; shorten it or simplify its "
              "Markdown")
BAD = event_file("Bad", date="someday")
BAD_ERROR = "content/bad.md:3: date: "
# 1,000 lists inside one another: the checks on a file's shape refuse it before Markdown reads
# it, and, where they let such a file through, Python's recursion limit stops Markdown.
DEEP = event_file("Deep", body="- " * 1000 + "deep")
DEEP_ERROR = "content/deep.md:5: body: lists nested 1,000 deep; at most 50"
DEEP_IN_MARKDOWN = ("content/deep.md: could not be read: its Markdown is nested too deeply "
                    "(1,000 lists or quotes inside one another); flatten it")


def many_events(count: int = 250) -> dict[str, str]:
    """Enough event files for a build to read them in worker processes."""
    return {f"content/e{n:03d}.md": event_file(f"E{n}", f"{2000 + n % 20}-01-01")
            for n in range(count)}


@pytest.fixture
def short_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FILE_SECONDS_VARIABLE, LIMIT)


def build_errors(root: Path, where: str) -> list[str]:
    """The errors of a build of `root` that must fail: run in this thread, in another
    thread (as the dev server may), or with worker processes."""
    failures: list[BuildFailed] = []

    def run() -> None:
        try:
            build(BuildOptions(root=root, jobs=2 if where == "workers" else 1, clean=True))
        except BuildFailed as exc:
            failures.append(exc)

    if where == "another thread":
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=120)  # only a hang is that slow
        assert not thread.is_alive(), "the build in another thread did not stop"
    else:
        run()
    assert failures, "the build did not fail"
    return [str(error) for error in failures[0].errors]


PLACES = ["this thread", "another thread", "workers"]


def site_with(make_site, where: str, files: dict[str, str]):
    return make_site({**(many_events() if where == "workers" else {}), **files,
                      "content/good.md": event_file("Good")})


@pytest.mark.parametrize("where", PLACES)
def test_a_file_that_takes_too_long_to_read_is_stopped_and_named(make_site, short_limit,
                                                                 where):
    root = site_with(make_site, where, {"content/slow.md": SLOW, "content/bad.md": BAD})
    errors = build_errors(root, where)
    assert len(errors) == 2
    assert errors[0].startswith(BAD_ERROR)  # the other file's error is still reported
    assert errors[1] == SLOW_ERROR


@pytest.mark.parametrize("where", PLACES)
def test_a_file_nested_too_deeply_is_an_error_naming_it(make_site, where):
    root = site_with(make_site, where, {"content/deep.md": DEEP, "content/bad.md": BAD})
    errors = build_errors(root, where)
    assert len(errors) == 2
    assert errors[0].startswith(BAD_ERROR)
    assert errors[1] == DEEP_ERROR


@pytest.mark.parametrize("where", PLACES)
def test_nesting_the_shape_checks_miss_is_still_an_error_naming_it(make_site, monkeypatch,
                                                                  where):
    # As if the checks on a file's shape missed a way to nest: Markdown meets Python's
    # recursion limit. Made to happen here, since newer Markdown versions nest lists without
    # recursing as deep. (Worker processes are forked from this one, and so have it too.)
    monkeypatch.setattr(generator.content, "slow_markdown", lambda text: None)
    real_render = generator.content.render
    inside_markdown: dict = {}  # a function whose frames say they are Markdown's own
    exec("def nest(*args):\n    raise RecursionError('maximum recursion depth exceeded')\n",
         {"__name__": "markdown.blockparser"}, inside_markdown)

    def render(md, text: str, *refer) -> str:
        if text.startswith("- - - "):
            inside_markdown["nest"]()
        return real_render(md, text, *refer)

    monkeypatch.setattr(generator.content, "render", render)
    root = site_with(make_site, where, {"content/deep.md": DEEP, "content/bad.md": BAD})
    errors = build_errors(root, where)
    assert len(errors) == 2
    assert errors[0].startswith(BAD_ERROR)
    assert errors[1] == DEEP_IN_MARKDOWN


def test_front_matter_nested_too_deeply_is_an_error_naming_it(make_site):
    nested = "".join("  " * (level + 1) + f"k{level}:\n" for level in range(900)) + "  " * 901 + "v"
    root = make_site({"content/deep.md": event_file("Deep", extra="\n" + nested),
                      "content/good.md": event_file("Good")})
    assert build_errors(root, "this thread") == [
        "content/deep.md:24: values nested more than 20 deep; write them flatter"]


@pytest.mark.parametrize("where", ["this thread", "workers"])
def test_an_unexpected_exception_from_one_file_is_an_error_naming_it(make_site, monkeypatch,
                                                                     where):
    real_render = generator.content.render

    def render(md, text: str, *refer) -> str:  # a bug in Markdown that one file sets off
        if "trigger" in text:
            return [][0]
        return real_render(md, text, *refer)

    # Worker processes are forked from this one, and so have it too.
    monkeypatch.setattr(generator.content, "render", render)
    root = site_with(make_site, where, {"content/bug.md": event_file("Bug", body="trigger"),
                                        "content/bad.md": BAD})
    errors = build_errors(root, where)
    assert len(errors) == 2
    assert errors[0].startswith(BAD_ERROR)
    assert errors[1] == ("content/bug.md: could not be read: IndexError: list index out of "
                         "range; simplify the file, and please report this as a bug in "
                         "chronoline")


def stopped_in(module: str) -> TookTooLong:
    """The exception that stops a slow file, as raised in code of `module`."""
    try:
        exec("raise TookTooLong", {"__name__": module, "TookTooLong": TookTooLong})  # noqa: S102
    except TookTooLong as exc:
        return exc
    raise AssertionError("not raised")


@pytest.mark.parametrize(("module", "data", "advice"), [
    ("markdown.inlinepatterns", b"[" * 100, "it has 100 '[' without a ']', which Markdown is "
     "slow to read: close them or write them as '\\['"),
    ("markdown.blockprocessors", b"[" * 99, "shorten it or simplify its Markdown"),
    ("yaml.scanner", b"[" * 100, "shorten or simplify its front matter"),
    ("generator.dates", b"", "shorten or simplify its front matter"),
])
def test_a_slow_file_is_told_where_it_was_slow(module, data, advice):
    assert took_too_long(10, data, stopped_in(module)) == f"took more than 10 s to read; {advice}"


def run_build(root: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(root)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_the_command_names_a_slow_file_and_a_deep_one_beside_the_others(make_site):
    root = make_site({"content/slow.md": SLOW, "content/deep.md": DEEP, "content/bad.md": BAD,
                      "content/good.md": event_file("Good")})
    done = run_build(root, **{FILE_SECONDS_VARIABLE: LIMIT})
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(BAD_ERROR)
    assert lines[1:] == [DEEP_ERROR, SLOW_ERROR,
                         f"Build failed: 3 problems; {root / 'site'} was left as it was."]


def test_the_dev_server_names_a_slow_file_and_keeps_serving(tmp_path, short_limit):
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    (root / "content" / "good.md").write_text(event_file("Good"), encoding="utf-8")
    served = Served(root)  # with this test's limit, from the environment
    try:
        mark = len(served.lines)
        (root / "content" / "slow.md").write_text(SLOW, encoding="utf-8")
        assert served.wait_for_line("took more than", after=mark, timeout=60) == SLOW_ERROR
        with urllib.request.urlopen(served.url, timeout=30) as answer:
            assert answer.status == 200 and b"Good" in answer.read()
    finally:
        served.stop()


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
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, FILE_SECONDS_VARIABLE: "600"})
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


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
def test_a_worker_killed_by_the_system_leaves_its_files_to_the_build_which_says_so(make_site):
    root = make_site({**many_events(), "content/slow.md": SLOW})
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--source", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, FILE_SECONDS_VARIABLE: "600"})
    workers: set[int] = set()

    def started() -> bool:
        workers.update(children_of(process.pid))
        return bool(workers)

    try:
        assert wait_until(started, 60), "the build started no worker processes"
        os.kill(min(workers), signal.SIGKILL)  # as the system's out-of-memory killer does
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        warning = (r"WARNING: \d+ event (files|pages) left unfinished by worker processes \(one "
                   r"ended abruptly, killed perhaps for want of memory\); this process did "
                   r"them instead")
        assert any(re.fullmatch(warning, line) for line in err.splitlines()), err
        assert sorted(page.name for page in (root / "site" / "events").iterdir()) == sorted(
            [f"e{n:03d}" for n in range(250)] + ["slow"])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        for pid in filter(alive, workers):
            os.kill(pid, signal.SIGKILL)


# A process that starts one worker the way other systems do (spawn) and the way they are
# told to end with it, prints the worker's id, then waits to be killed.
SPAWNING = """
import multiprocessing, os, sys
from concurrent.futures import ProcessPoolExecutor
from generator.workers import exit_when_parent_ends
if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=exit_when_parent_ends)
    print(pool.submit(os.getpid).result(), flush=True)
    sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_end_with_their_parent_where_linux_s_way_is_not_had(tmp_path):
    script = tmp_path / "spawning.py"
    script.write_text(SPAWNING, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               cwd=Path(__file__).resolve().parents[1])
    worker = None
    try:
        worker = int(process.stdout.readline())
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert wait_until(lambda: not alive(worker), 20), "the worker outlived its parent"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        if worker is not None and alive(worker):
            os.kill(worker, signal.SIGKILL)


class SpinsWhenCollected:
    """Its finalizer runs past the time limit: the limit's first stop lands in it, where
    Python prints an exception and drops it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __del__(self) -> None:
        until = time.monotonic() + self.seconds
        while time.monotonic() < until:
            pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the first stop
def test_a_stop_that_lands_in_a_finalizer_is_made_again(make_site, monkeypatch):
    monkeypatch.setenv(FILE_SECONDS_VARIABLE, "0.2")
    real_render = generator.content.render

    def render(md, text: str, *refer) -> str:
        if "trigger" in text:
            SpinsWhenCollected(0.6)  # collected at once; the stop at 0.2 s lands in it
            until = time.monotonic() + 20  # then slow in plain Python, where a stop lands
            while time.monotonic() < until:
                pass
        return real_render(md, text, *refer)

    monkeypatch.setattr(generator.content, "render", render)
    root = make_site({"content/slow.md": event_file("Slow", body="trigger")})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root=root, jobs=1, clean=True))
    assert [str(e) for e in failed.value.errors] == [
        "content/slow.md: took more than 0.2 s to read; shorten it or simplify its Markdown"]


# Whatever befalls a worker process, every event file is read and every page is in the site,
# or the build fails naming the one that could not be: a build never succeeds without a page.
# Each failure is made by a function put in place in this process before the build forks its
# workers, which have it too; it strikes only in a worker, unless said otherwise.
DOOMED_FILE = "content/e042.md"
DOOMED_PAGE = "events/e042/index.html"


def in_a_worker() -> bool:
    return multiprocessing.parent_process() is not None


def dies() -> None:
    os._exit(1)


def is_killed() -> None:  # as the system's out-of-memory killer does
    os.kill(os.getpid(), signal.SIGKILL)


def runs_out_of_memory() -> None:
    raise MemoryError


def meets_a_bug() -> None:  # no template is to blame
    raise TypeError("a bug")


FAILURES = {"dies": dies, "is killed": is_killed, "runs out of memory": runs_out_of_memory,
            "meets a bug": meets_a_bug}


def striking(real, failure, target: str, everywhere: bool = False):
    """`real`, except that in a worker (or `everywhere`) it fails on the file or page `target`,
    its second argument."""
    def patched(*args: object, **kwargs: object) -> object:
        path = getattr(args[1], "path", args[1])  # a page, or a file's path
        if path == target and (everywhere or in_a_worker()):
            failure()
        return real(*args, **kwargs)
    return patched


def answering(real, change):
    """`real`, a worker's task, with `change` made to its answer in a worker."""
    @functools.wraps(real)  # its name: tasks go to the workers pickled by name
    def patched(*args: object) -> object:
        answer = real(*args)
        return change(answer) if in_a_worker() else answer
    return patched


def without_doomed(answer: list) -> list:
    return [result for result in answer if result[0] not in (DOOMED_FILE, DOOMED_PAGE)]


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def whole_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The site of many_events(), built in one process."""
    root = tmp_path_factory.mktemp("whole")
    for name, text in many_events().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "chronoline.toml").write_text('title = "Test timeline"\n', encoding="utf-8")
    build(BuildOptions(root=root, jobs=1, clean=True))
    return contents(root / "site")


def built_with_workers(make_site) -> Path:
    root = make_site(many_events())
    build(BuildOptions(root=root, jobs=2, clean=True))
    return root / "site"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
@pytest.mark.parametrize("failure", FAILURES)
def test_a_page_a_worker_fails_on_is_rendered_all_the_same(make_site, monkeypatch, whole_site,
                                                          failure):
    monkeypatch.setattr(generator.workers, "render_page", striking(
        generator.workers.render_page, FAILURES[failure], DOOMED_PAGE))
    site = built_with_workers(make_site)
    assert contents(site) == whole_site
    assert read_html(site / DOOMED_PAGE).h1.get_text() == "E42"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
@pytest.mark.parametrize("failure", ["dies", "is killed"])
def test_a_file_a_worker_ends_on_is_read_all_the_same(make_site, monkeypatch, whole_site,
                                                     failure):
    monkeypatch.setattr(generator.workers, "parse_event", striking(
        generator.workers.parse_event, FAILURES[failure], DOOMED_FILE))
    assert contents(built_with_workers(make_site)) == whole_site


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
@pytest.mark.parametrize(("failure", "error"), [
    ("runs out of memory", "content/e042.md: could not be read: it needs more memory than there "
     "is; shorten it"),
    ("meets a bug", "content/e042.md: could not be read: TypeError: a bug; simplify the file, "
     "and please report this as a bug in chronoline"),
])
def test_an_exception_a_worker_meets_in_a_file_is_an_error_naming_it(make_site, monkeypatch,
                                                                     failure, error):
    # Raised while the file is read, it is the file's, as in this process (see parse_files).
    monkeypatch.setattr(generator.workers, "parse_event", striking(
        generator.workers.parse_event, FAILURES[failure], DOOMED_FILE))
    with pytest.raises(BuildFailed) as failed:
        built_with_workers(make_site)
    assert [str(e) for e in failed.value.errors] == [error]


def failing_to_start() -> None:
    raise RuntimeError("no environment")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
@pytest.mark.parametrize("change", ["fails to start", "leaves one out", "answers out of order"])
def test_pages_a_worker_does_not_answer_for_are_rendered_all_the_same(make_site, monkeypatch,
                                                                     whole_site, change):
    if change == "fails to start":  # raises before any page: the whole task fails
        real = generator.workers.make_environment
        monkeypatch.setattr(generator.workers, "make_environment", lambda *args: (
            failing_to_start() if in_a_worker() else real(*args)))
    else:
        monkeypatch.setattr(generator.workers, "_render_chunk", answering(
            generator.workers._render_chunk,
            without_doomed if change == "leaves one out" else lambda answer: answer[::-1]))
    site = built_with_workers(make_site)
    assert contents(site) == whole_site


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
@pytest.mark.parametrize("change", ["fails to start", "leaves one out", "answers out of order"])
def test_files_a_worker_does_not_answer_for_are_read_all_the_same(make_site, monkeypatch,
                                                                 whole_site, change):
    if change == "fails to start":
        real = generator.workers.make_markdown
        monkeypatch.setattr(generator.workers, "make_markdown", lambda *args: (
            failing_to_start() if in_a_worker() else real(*args)))
    else:
        monkeypatch.setattr(generator.workers, "parse_files", answering(
            generator.workers.parse_files,
            without_doomed if change == "leaves one out" else lambda answer: answer[::-1]))
    site = built_with_workers(make_site)
    assert contents(site) == whole_site


@pytest.mark.parametrize("where", ["this thread", "workers"])
def test_a_page_that_fails_everywhere_is_an_error_naming_it(make_site, monkeypatch, where):
    monkeypatch.setattr(generator.workers, "render_page", striking(
        generator.workers.render_page, meets_a_bug, DOOMED_PAGE, everywhere=True))
    root = make_site(many_events())
    assert build_errors(root, where) == [
        "events/e042/index.html: could not be rendered: TypeError: a bug; please report this "
        "as a bug in chronoline"]
    assert not (root / "site").exists()


@pytest.mark.parametrize("where", ["this thread", "workers"])
def test_a_file_that_is_neither_an_event_nor_an_error_is_an_error_naming_it(make_site,
                                                                          monkeypatch, where):
    def no_error(*args: object) -> None:
        raise ContentErrors([])  # a bug: a problem, with nothing said of it

    monkeypatch.setattr(generator.workers, "parse_event", striking(
        generator.workers.parse_event, no_error, DOOMED_FILE, everywhere=True))
    root = make_site(many_events())
    assert build_errors(root, where) == [
        "content/e042.md: could not be read: ContentErrors; simplify the file, and please "
        "report this as a bug in chronoline"]


@pytest.mark.parametrize("where", ["this thread", "workers"])
def test_any_exception_a_template_raises_is_an_error_naming_its_line(make_site, where):
    root = make_site({**many_events(), "layouts/event.html": (
        "<h1>{{ page.title }}</h1>\n{{ 1 // (0 if page.title == 'E42' else 1) }}\n")})
    assert build_errors(root, where) == [
        "layouts/event.html:2: template: integer division or modulo by zero"]


def test_the_start_method_is_the_platform_s_unless_one_is_named(monkeypatch):
    monkeypatch.delenv(START_METHOD_VARIABLE, raising=False)
    assert start_method() == ("fork" if sys.platform == "linux" else "spawn")
    monkeypatch.setenv(START_METHOD_VARIABLE, "spawn")
    assert start_method() == "spawn"
    monkeypatch.setenv(START_METHOD_VARIABLE, "no such way")
    assert start_method() == ("fork" if sys.platform == "linux" else "spawn")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
def test_spawned_workers_build_the_same_site(make_site, monkeypatch, whole_site):
    # As on macOS and Windows, where workers are spawned: each imports chronoline anew.
    monkeypatch.setenv(START_METHOD_VARIABLE, "spawn")
    started: list[str] = []
    real_pool = generator.workers.ProcessPoolExecutor

    def pool(*args: object, **kwargs: object):
        started.append(kwargs["mp_context"].get_start_method())
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(generator.workers, "ProcessPoolExecutor", pool)
    assert contents(built_with_workers(make_site)) == whole_site
    assert started == ["spawn"]


@pytest.mark.parametrize(("jobs", "count", "platform", "used"), [
    (2, PARALLEL_FROM, "linux", True),
    (2, PARALLEL_FROM - 1, "linux", False),
    (1, 100_000, "linux", False),
    (2, SPAWN_FROM, "darwin", True),  # spawned: each worker imports chronoline anew
    (2, SPAWN_FROM - 1, "darwin", False),
    (8, 100_000, "win32", True),
    (1, 100_000, "win32", False),
])
def test_workers_are_used_for_enough_files_and_spawned_ones_for_more(jobs, count, platform,
                                                                     used):
    assert use_workers(jobs, count, platform) is used


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a build starts no workers")
def test_workers_that_end_as_they_start_leave_the_whole_build_to_this_process(
        make_site, monkeypatch, whole_site, caplog):
    monkeypatch.setattr(generator.workers, "die_with_parent", lambda parent: dies())
    assert contents(built_with_workers(make_site)) == whole_site
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "250 event files left unfinished by worker processes",
        "250 event pages left unfinished by worker processes"]
