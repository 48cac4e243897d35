"""Shared test helpers: a site factory, a build helper and an HTML reader."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildOptions, BuildReport, build
from generator.layouts import STATIC_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(__file__).parent / "example"


def event_file(title: str = "An event", date: str = "2018-07-19", body: str = "Body text.",
               **extra: str) -> str:
    """The text of an event file; `extra` adds front matter lines as written."""
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture(autouse=True, scope="session")
def _own_user_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The key that signs build caches lives in the user's cache folder: the tests get one of
    their own, and so do the commands they start."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


@pytest.fixture(autouse=True, scope="session")
def _own_temporary_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Temporary files, of this process and of the commands it starts, go to a folder of this
    run's own: two runs on one machine never see each other's, and what a failing test
    leaves is removed with the run's other folders."""
    folder = str(tmp_path_factory.mktemp("tmp"))
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"], tempfile.tempdir = folder, folder
    yield
    tempfile.tempdir = None
    if before is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = before


@contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """Within the block, this process makes its temporary files in `folder`."""
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """make_site({"content/a.md": "..."}) writes a site folder and returns its path."""

    def make(files: dict[str, str | bytes], config: str = 'title = "Test timeline"\n') -> Path:
        root = tmp_path / "site-src"
        (root / "content").mkdir(parents=True, exist_ok=True)
        if config is not None:
            (root / "chronoline.toml").write_text(textwrap.dedent(config), encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return root

    return make


def build_site(root: Path, **options: object) -> BuildReport:
    """Build `root` into `root/site`."""
    return build(BuildOptions(root=root, **options))


def read_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def theme_script(element) -> bool:
    """Whether a <script> element loads a file the theme ships, from the site's assets, with
    nothing inline: the only script a page may carry besides its JSON-LD."""
    src = element.get("src") or ""
    folder, _, name = src.rpartition("/")
    return (urlsplit(src)[:2] == ("", "") and folder.rpartition("/")[2] == "assets"
            and name in {p.name for p in STATIC_DIR.glob("*.js")} and not element.string)


def slug_of(article) -> str:
    """The slug of an event as a timeline lists it: `<article id="event-SLUG">`."""
    return article["id"].removeprefix("event-")


def site_files(output: Path) -> dict[str, tuple[int, int]]:
    """Every file under `output` with its inode and modification time, to see what a build wrote."""
    return {p.relative_to(output).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(output.rglob("*")) if p.is_file()}


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian's package; CI must have it, elsewhere its tests skip."""
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Served:
    """A `chronoline serve` subprocess on a free loopback port, and what it printed.

    Its temporary files go to a folder of its own (`tmp`, beside the site), so that runs of the
    tests side by side never see each other's; if it does not start, it is stopped at once."""

    def __init__(self, root: Path, *args: str, port: int | None = None,
                 start_timeout: float = 20) -> None:
        self.root = root
        self.tmp = root.parent / f"{root.name}-tmp"
        self.tmp.mkdir(exist_ok=True)
        self.lines: list[str] = []
        self._printed = threading.Condition()
        self._ended = False  # its output has ended: it will print no more
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--source", str(root),
             "--port", str(port or free_port()), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            env={**os.environ, "TMPDIR": str(self.tmp)})
        threading.Thread(target=self._read, daemon=True).start()
        try:
            line = self.wait_for_line("Serving at ", timeout=start_timeout)
        except BaseException:
            self.stop()
            raise
        self.url = line.split("Serving at ", 1)[1].split(" ", 1)[0]

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._printed:
                self.lines.append(line.rstrip("\n"))
                self._printed.notify_all()
        with self._printed:
            self._ended = True
            self._printed.notify_all()

    def wait_for_line(self, text: str, after: int = 0, timeout: float = 20) -> str:
        """The first line from `after` on that holds `text`, as soon as it is printed."""
        deadline = time.monotonic() + timeout
        with self._printed:
            while True:
                for line in self.lines[after:]:
                    if text in line:
                        return line
                if self._ended:
                    raise AssertionError(f"serve exited: {self.lines}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no line with {text!r} in {self.lines}")
                self._printed.wait(min(left, 0.5))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


class Running:
    """A DevServer in this process, rebuilding in a thread of its own; what it says is kept in
    `lines`, and a test waits for a line rather than for time to pass. Like `Served`, it
    builds into a folder under `tmp`, beside the site, and removes it when closed."""

    def __init__(self, root: Path, **options: object) -> None:
        from generator.serve import DevServer, ServeOptions

        self.lines: list[str] = []
        self._said = threading.Condition()
        self.tmp = root.parent / f"{root.name}-tmp"
        self.tmp.mkdir(exist_ok=True)
        with temporary_files_in(self.tmp):
            self.dev = DevServer(ServeOptions(root=root, port=0, **options), self._say)
        self._thread: threading.Thread | None = None
        try:
            self.dev.start()
            self._thread = threading.Thread(target=self.dev.run, name="rebuilds", daemon=True)
            self._thread.start()
        except BaseException:
            self.close()
            raise

    def _say(self, text: str) -> None:
        with self._said:
            self.lines.append(text)
            self._said.notify_all()

    @property
    def url(self) -> str:
        return self.dev.url

    def wait_for_line(self, text: str, after: int = 0, timeout: float = 20) -> str:
        with self._said:
            if not self._said.wait_for(lambda: any(text in x for x in self.lines[after:]),
                                       timeout):
                raise AssertionError(f"no line with {text!r} in {self.lines}")
            return next(x for x in self.lines[after:] if text in x)

    def close(self) -> None:
        self.dev.stop()
        if self._thread is not None:
            self._thread.join(timeout=20)
        self.dev.close()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve_example(tmp_path: Path):
    """Serve a copy of tests/example (base URL path /timeline/); yields a Served."""
    root = tmp_path / "example"
    shutil.copytree(Path(__file__).parent / "example", root)
    served = Served(root)
    yield served
    served.stop()


DEMO_BASE_URL = "https://user.github.io/REPO/"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo timeline, built once per test run under a GitHub Pages project address."""
    output = tmp_path_factory.mktemp("demo") / "site"
    build(BuildOptions(root=REPO_ROOT, output=output, base_url=DEMO_BASE_URL))
    return output
