"""`chronoline serve`: build into a folder of its own, serve it, rebuild when a file changes."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from generator.build import Builder, BuildOptions, count_of
from generator.config import CONFIG_FILE, PYPROJECT_FILE, SiteConfig
from generator.errors import BuildFailed, CommandFailed, ContentErrors, printable
from generator.livereload import LiveReloadServer
from generator.output import Content, write_changes
from generator.watching import SiteChanges

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.03  # a burst of saves (editors write, rename and delete) is one rebuild
# A file closed after writing or moved into place is saved: a shorter wait will do.
SAVED_DEBOUNCE_SECONDS = 0.005
DATA_AFTER_SECONDS = 0.3  # the feeds and exports are made once the edits pause this long
CONFIG_GRACE_SECONDS = 1.0  # how long a config file may be missing during an atomic save
PORT_TRIES = 10
SWITCH_SECONDS = 0.0005  # see _switching_often


@dataclass(frozen=True)
class ServeOptions:
    root: Path
    port: int = 8000
    bind: str = "127.0.0.1"
    drafts: bool = False
    poll: bool = False
    allow_hosts: tuple[str, ...] = ()  # names besides localhost and IP addresses to answer
    debug: bool = False  # a failure the site's files did not cause is printed with its traceback


class PortBusy(CommandFailed):
    """No port could be had; the message says which were tried."""


HOST_NAME = re.compile(r"\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", re.IGNORECASE)


class DevServer:
    """Owns the serving folder, the HTTP server and the file watcher."""

    def __init__(self, options: ServeOptions, say: Callable[[str], None]) -> None:
        _check_hosts(options.allow_hosts)
        self.options = options
        self.say = say
        self.folder = Path(tempfile.mkdtemp(prefix="chronoline-serve-"))
        self.builder = self._new_builder()
        self.files: dict[str, Content] = {}  # pages and assets, as written
        self.data: dict[str, Content] = {}  # feeds, sitemap and exports, as written
        self.server: LiveReloadServer | None = None
        self._pending: set[str] = set()
        self._saved = False  # the last change the watcher saw finished a save
        self._pending_lock = threading.Lock()
        self._wake = threading.Event()
        self._first_error: str | None = None
        self._observer: BaseObserver | None = None
        self._stop = threading.Event()
        self._warnings: tuple[str, ...] = ()
        self._data_due = False  # the pages changed since the feeds and exports were written
        self._read_all = True  # the next rebuild reads every file, not only those named
        self._built = False  # a site has been written: until then there is no last good one
        self._handler = SiteChanges(options.root, self._note)
        self._watched: set[str] = set()  # the folders watched, of content/ and layouts/

    @property
    def url(self) -> str:
        server = self._listening()
        host, port = server.address
        return f"http://{host}:{port}{server.mount}"

    @property
    def exposed(self) -> bool:
        """Whether the server listens on an address other machines can reach."""
        return not ipaddress.ip_address(self._listening().address[0]).is_loopback

    def _listening(self) -> LiveReloadServer:
        assert self.server is not None, "start() makes the server"
        return self.server

    def start(self) -> None:
        """Watch, build, then listen; a broken first build still serves, with its error shown.
        The watcher starts first, so that a file saved during the first build is rebuilt."""
        self._observer = PollingObserver(timeout=0.25) if self.options.poll else Observer()
        self._observer.schedule(self._handler, str(self.options.root), recursive=False)
        self._watch_folders()
        self._observer.start()
        self._rebuild_or_report(set(), first=True)
        mount = self.builder.config.base_path if self.builder.config else "/"
        self.server = _listen(self.options, self.folder, mount, self.say)
        threading.Thread(target=self.server.serve_forever, name="http", daemon=True).start()
        if self._first_error:
            self.server.announce(error=self._first_error)

    def run(self) -> None:
        """Rebuild after each burst of changes, until stopped."""
        try:
            while not self._stop.is_set():
                if not self._wake.wait(DATA_AFTER_SECONDS if self._data_due else 0.5):
                    if self._data_due:
                        self.write_data()
                    continue
                while True:  # wait for the burst to end
                    self._wake.clear()
                    quiet = SAVED_DEBOUNCE_SECONDS if self._saved else DEBOUNCE_SECONDS
                    if not self._wake.wait(quiet):
                        break
                with self._pending_lock:
                    changes, self._pending = self._pending, set()
                if changes:
                    self._rebuild_or_report(changes)
        finally:
            self._stop_watching()

    def _note(self, path: str, saved: bool) -> None:
        with self._pending_lock:
            self._pending.add(path)
            self._saved = saved
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def close(self) -> None:
        """Stop watching and serving, and remove the serving folder; also after a failed start."""
        self._stop_watching()
        if self.server is not None:
            self.server.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _stop_watching(self) -> None:
        if self._observer is not None and self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)

    def _watch_folders(self) -> None:
        """Watch content/ and layouts/, also once they are made after the server started (in
        a new folder, the first event file's)."""
        assert self._observer is not None
        for name in ("content", "layouts"):
            if name not in self._watched and (self.options.root / name).is_dir():
                self._observer.schedule(self._handler, str(self.options.root / name),
                                        recursive=True)
                self._watched.add(name)

    def _rebuild_or_report(self, changes: set[str], first: bool = False) -> None:
        """Rebuild; whatever fails (a file gone mid-read, a full disk, a bug) is shown in the
        pages and printed, the last good site stays served, and the next save tries again."""
        self._watch_folders()
        try:
            self.rebuild(changes, first)
        except Exception as exc:  # noqa: BLE001 - the server outlives any one rebuild
            self._report_failure(exc, first)

    def _report_failure(self, exc: Exception, first: bool) -> None:
        text = _failure_line(exc)
        # What the builder kept may be half updated: the next rebuild starts afresh, reads
        # every file and writes every page that differs from what is served.
        self.builder = self._new_builder()
        self._read_all = True
        self._show_error(text, first)  # the page shows it by the time the line does
        meanwhile = self._meanwhile("serving the last good site until the next save",
                                    "the next save tries again")
        self.say(f"{text}\nRebuild failed; {meanwhile}.")
        if not isinstance(exc, (CommandFailed, ContentErrors)):
            self._say_traceback(exc)

    def _meanwhile(self, served: str, unbuilt: str) -> str:
        """What is served until the next good build: the last good site, or none yet."""
        if self._built:
            return served
        return f"there is no site yet: {unbuilt}; still watching for changes"

    def _say_traceback(self, exc: Exception) -> None:
        if self.options.debug:
            self.say("".join(traceback.format_exception(exc)).rstrip("\n"))

    def _show_error(self, text: str, first: bool) -> None:
        if first:
            self._first_error = text
        elif self.server:
            self.server.announce(error=text)

    def _new_builder(self) -> Builder:
        # jobs=1: no worker processes are forked from a process that runs server threads.
        builder = Builder(BuildOptions(root=self.options.root, output=self.folder,
                                       drafts=self.options.drafts, jobs=1))
        builder.search.stop = self._index_waits  # Pagefind is stopped, the pages come first
        builder.search.background = True
        return builder

    def _index_waits(self) -> bool:
        """The search index waits for an edit's pages, and for the server to listen: at ten
        thousand events it takes seconds the first time."""
        return self._wake.is_set() or self.server is None

    def rebuild(self, changes: set[str], first: bool = False) -> None:
        """Render, write what changed under the server's write lock, then tell the pages: an
        edited event's own page first, then the pages that list it."""
        started = time.perf_counter()
        _wait_for_config(changes, self.builder.config, self.options.root)
        early: list[str] = []
        try:
            # The watcher's list of changed files is enough once a rebuild has read every
            # file: the first one does, and so does the next after one that failed early.
            with _switching_often():
                site = self.builder.render(data=False,
                                           changed=None if self._read_all else changes,
                                           first=None if first else self._show_first(early))
            self._read_all = False
        except BuildFailed as exc:
            text = "\n".join(str(e) for e in exc.errors)
            count = len(exc.errors)
            self._show_error(text, first)  # the page shows it by the time the line does
            meanwhile = self._meanwhile("serving the last good site until it is fixed",
                                        "the first save that fixes it builds it")
            self.say(f"{text}\nBuild failed: {count} problem{'s' if count != 1 else ''}; "
                     f"{meanwhile}.")
            return
        server = self.server  # None only during the first build, before it listens
        recovered = server is not None and server.error is not None
        with self._writing():
            written, removed = write_changes(site.files, self.files, self.folder)
            self.files = site.files
            self._built = True
            # The reload before requests go on: a page served from now on knows of this
            # change. The feeds and exports come once the edits pause: at ten thousand events
            # they are tens of megabytes, which would slow the reload's requests down.
            if server is not None and not first and (written or removed or recovered):
                _announce(server, written, removed)
        self._data_due = True
        if first:
            self.write_data()
        if site.warnings != self._warnings:
            for warning in site.warnings:
                self.say(f"warning: {printable(warning)}")
            self._warnings = site.warnings
        elapsed = round((time.perf_counter() - started) * 1000)
        if first:
            events, pages = count_of(site.events, "event"), count_of(site.pages, "page")
            self.say(f"Built {events}, {pages} in {elapsed} ms")
            return
        self.say(f"{_describe(changes)}: {count_of(len(early) + len(written), 'file')} "
                 f"written, {len(removed)} removed in {elapsed} ms")

    def _show_first(self, early: list[str]) -> Callable[[Mapping[str, Content]], None]:
        """Write the event pages of an edit as soon as they are rendered and reload the tabs
        that show them, while the timeline, year and tag pages are made (at ten thousand
        events, tens of milliseconds more). The paths written go into `early`."""
        def show(pages: Mapping[str, Content]) -> None:
            before = {path: self.files[path] for path in pages if path in self.files}
            with self._writing():
                written, _ = write_changes(dict(pages), before, self.folder)
                self.files = {**self.files, **pages}
                # Before requests go on: a page served from now on knows of this change.
                if written and self.server is not None:
                    _announce(self.server, written, [])
            early.extend(written)
        return show

    def write_data(self) -> None:
        """Write the feeds, sitemap and exports of the last site rendered, each as soon as it
        is made, and stop between two when an edit comes: at 100,000 events they take
        seconds. Each is replaced whole (written aside, then renamed) and none depends on
        another, so requests need not wait for them. The search index comes last, a bundle at
        a time, once the server listens; an edit stops it halfway."""
        made: dict[str, Content] = {}
        try:
            for name, content in self.builder.data_files():
                if self._wake.is_set():
                    return  # an edit came: its pages first; the rest stays due
                before = {name: self.data[name]} if name in self.data else {}
                if before.get(name) is not content:  # a bundle kept as it was: written already
                    write_changes({name: content}, before, self.folder)
                made[name] = self.data[name] = content
            if self._index_waits() and self.builder.config and self.builder.config.search:
                return  # the search index stopped halfway: the rest stays due
            gone = {name: content for name, content in self.data.items() if name not in made}
            write_changes({}, gone, self.folder)
        except Exception as exc:  # noqa: BLE001 - the pages stay served without them
            self.say(f"the feeds and data exports could not be written: {_failure_line(exc)}")
            self._say_traceback(exc)
            return
        self.data, self._data_due = made, False

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        return self.server.writing() if self.server else contextlib.nullcontext()


def _wait_for_config(changes: set[str], config: SiteConfig | None, root: Path) -> None:
    # An editor's atomic save removes the config for a moment; do not build without it.
    used = _config_name(config, root)
    if used in changes and not (root / used).exists():
        deadline = time.monotonic() + CONFIG_GRACE_SECONDS
        while time.monotonic() < deadline and not (root / used).exists():
            time.sleep(0.02)


@contextlib.contextmanager
def _switching_often() -> Iterator[None]:
    """While a rebuild renders, the threads that serve the reloading tabs get the interpreter
    back sooner: each request waits for it at every read and write, five milliseconds by
    default, and the pages an edit reloads are requested while the lists render."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _announce(server: LiveReloadServer, written: list[str], removed: list[str]) -> None:
    """Tell the open pages which files changed: styles alone, some pages, or (None) any
    file a page may show."""
    if written and not removed and all(path.endswith(".css") for path in written):
        return server.announce(styles_only=True)
    changed = [*written, *removed]
    server.announce(pages=changed if all(path.endswith(".html") for path in changed) else None)


def _check_hosts(names: tuple[str, ...]) -> None:
    for name in names:
        if not HOST_NAME.fullmatch(name):
            raise CommandFailed(
                f"--allow-host {name!r}: give a host name alone, without scheme, port or path, "
                "such as timeline.example.test, or .example.test for that name and all below it")
        if name.startswith(".") and "." not in name.strip("."):
            # .com would let every page under that top-level domain read the site again.
            raise CommandFailed(
                f"--allow-host {name!r}: would allow every name under a top-level domain, "
                "which is what this check keeps out; name your own domain, such as "
                ".example.test")


def _failure_line(exc: Exception) -> str:
    """What to show of a failure other than BuildFailed: the message of an error the user can
    fix, the file and the system's words for an OSError, else what went wrong and how to see
    more."""
    if isinstance(exc, ContentErrors):
        return "\n".join(printable(str(error)) for error in exc.errors)
    if isinstance(exc, CommandFailed):
        return printable(str(exc))
    if isinstance(exc, OSError):
        where = f"{printable(str(exc.filename))}: " if exc.filename is not None else ""
        return f"{where}{printable(exc.strerror or str(exc))}"
    return (f"chronoline failed unexpectedly: {type(exc).__name__}: {printable(str(exc))} "
            "(run serve with --debug to see where, and please report it)")


def _config_name(config: SiteConfig | None, root: Path) -> str:
    return CONFIG_FILE if (root / CONFIG_FILE).exists() or config is None else PYPROJECT_FILE


def _describe(changes: set[str]) -> str:
    names = [printable(name) for name in sorted(changes)]  # a name may hold terminal escapes
    if len(names) <= 2:
        return ", ".join(names) + " changed"
    return f"{names[0]} and {len(names) - 1} more changed"


def _listen(options: ServeOptions, folder: Path, mount: str,
            say: Callable[[str], None]) -> LiveReloadServer:
    for port in range(options.port, options.port + PORT_TRIES):
        try:
            server = LiveReloadServer((options.bind, port), folder, mount,
                                      allowed_hosts=(options.bind, *options.allow_hosts))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or options.port == 0:
                raise
            continue
        if port != options.port:
            say(f"Port {options.port} is busy; using {port} instead.")
        return server
    raise PortBusy(f"ports {options.port} to {options.port + PORT_TRIES - 1} are all busy; "
                   "stop the other server or choose one with --port")
