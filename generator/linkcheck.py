"""`chronoline check --links`: ask every address readers can follow whether it still answers."""

from __future__ import annotations

import errno
import html
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from generator.errors import ContentError
from generator.model import Timeline

USER_AGENT = "chronoline link check (a static timeline's source list)"
PER_HOST = 2  # a polite limit: never more than this many requests at once to one host
WORKERS = 16
RETRIES = 2  # for time-outs, dropped connections and 5xx answers, which are often brief


@dataclass(frozen=True)
class LinkResult:
    """What one address answered: `status` 0 when it did not answer at all, `unresolved` when
    its host's name could not be looked up or no network reaches it."""

    url: str
    status: int
    reason: str
    location: str = ""  # where a redirect points
    unresolved: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def moved(self) -> bool:
        return 300 <= self.status < 400


@dataclass(frozen=True)
class Place:
    """Where an address is written: a source's `url` or `archive_url`, a link or picture in an
    event's text, or its media."""

    path: str
    line: int | None
    field: str
    kind: str  # "source", "archive", "link" or "media"
    archive: str = ""  # a source's archive_url


@dataclass(frozen=True)
class LinkReport:
    errors: list[ContentError]
    warnings: list[ContentError]
    checked: int  # addresses requested, each once
    unreachable: bool = False  # no host could be looked up: nothing was really checked


Progress = Callable[[int, int, int], None]  # (addresses checked, addresses, dead so far)


def check_links(timeline: Timeline, root: Path, timeout: float = 10.0,
                progress: Progress | None = None) -> LinkReport:
    """Request every address readers can follow once: sources and their archived copies,
    links and pictures in the events' text, media. Dead ones are errors (a source's only
    when its archived copy is not there for readers), moved ones warnings."""
    places = places_of(timeline, root)
    results = fetch_all(sorted(places), timeout, progress)
    if results and all(result.unresolved for result in results.values()):
        return LinkReport([], [], len(results), unreachable=True)
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    for url, result in sorted(results.items()):
        for place in places[url]:
            _judge(url, result, place, results, errors, warnings)
    return LinkReport(errors, warnings, len(results))


def _judge(url: str, result: LinkResult, place: Place, results: dict[str, LinkResult],
           errors: list[ContentError], warnings: list[ContentError]) -> None:
    if result.ok or (result.moved and place.kind == "archive"):  # archives redirect to a copy
        return
    if result.moved:
        warnings.append(ContentError(place.path, f"{url} has moved to {result.location} "
                                     f"({result.status}); link the new address", place.line,
                                     place.field))
        return
    answer = (f"answers {result.status} {result.reason}" if result.status
              else f"does not answer ({result.reason})")
    archive = results.get(place.archive)
    if place.kind == "source" and archive is not None and (archive.ok or archive.moved):
        warnings.append(ContentError(place.path, f"{url} {answer}; readers still have the "
                                     "archived copy", place.line, place.field))
        return
    advice = {"archive": "the archived copy is gone; link another saved copy, or remove "
                         "archive_url",
              "link": "fix the link, or link a saved copy of the page",
              "media": "readers see no picture; fix the address",
              "source": "its archived copy is gone too; link another saved copy, or a new "
                        "address" if archive is not None
              else "add an archive_url with a saved copy, or a new address"}[place.kind]
    errors.append(ContentError(place.path, f"{url} {answer}; {advice}", place.line, place.field))


# An absolute http(s) address in rendered HTML: a link's or a picture's.
_HTML_ADDRESS = re.compile(r'(?:href|src)="(https?://[^"]+)"', re.IGNORECASE)


def places_of(timeline: Timeline, root: Path) -> dict[str, list[Place]]:
    """Every address readers can follow, and where each is written."""
    places: dict[str, list[Place]] = defaultdict(list)
    for event in timeline.events:
        lines = _Lines(root / event.path)
        for number, source in enumerate(event.sources, start=1):
            field = f"sources[{number}]"
            places[source.url].append(Place(event.path, source.line, f"{field}.url", "source",
                                            source.archive_url))
            if source.archive_url:
                line = lines.of(source.archive_url) or source.line
                places[source.archive_url].append(Place(event.path, line,
                                                        f"{field}.archive_url", "archive"))
        if event.media is not None and event.media.url.lower().startswith(("http:", "https:")):
            places[event.media.url].append(Place(event.path, lines.of(event.media.url),
                                                 "media.url", "media"))
        seen: set[str] = set()
        for field, html_text in (("body", event.body_html), ("summary", event.summary_html)):
            for found in _HTML_ADDRESS.findall(html_text):
                url = html.unescape(found)
                if url not in seen:
                    seen.add(url)
                    places[url].append(Place(event.path, lines.of(url), field, "link"))
    return places


class _Lines:
    """An event file's lines, read when first asked for: only files with links need them."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lines: list[str] | None = None

    def of(self, text: str) -> int | None:
        """The number of the first line that holds `text`, if any does."""
        if self._lines is None:
            try:
                self._lines = self._path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []  # changed since it was read: the line is the next check's
        return next((number for number, line in enumerate(self._lines, start=1)
                     if text in line), None)


def fetch_all(urls: list[str], timeout: float, progress: Progress | None = None,
              ) -> dict[str, LinkResult]:
    """Check `urls` concurrently, at most PER_HOST at a time for any one host; `progress` is
    told of each answer as it comes."""
    limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    for url in urls:  # made here, in one thread, so that no two threads race to make one
        limits[urlsplit(url).hostname or ""]

    def one(url: str) -> LinkResult:
        with limits[urlsplit(url).hostname or ""]:
            return fetch(url, timeout)

    results: dict[str, LinkResult] = {}
    dead = 0
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in as_completed([pool.submit(one, url) for url in urls]):
            result = future.result()
            results[result.url] = result
            dead += not (result.ok or result.moved)
            if progress is not None:
                progress(len(results), len(urls), dead)
    return {url: results[url] for url in urls}


def fetch(url: str, timeout: float) -> LinkResult:
    """HEAD the address (GET where HEAD is refused), without following redirects."""
    result = LinkResult(url, 0, "not tried")
    for attempt in range(RETRIES + 1):
        result = _request(url, "HEAD", timeout)
        if result.status in (403, 405, 501):  # some servers answer HEAD badly
            result = _request(url, "GET", timeout)
        if result.unresolved or (result.status != 0 and result.status < 500):
            return result  # a name that does not resolve now will not in a second either
        if attempt < RETRIES:
            time.sleep(0.5 * (attempt + 1))
    return result


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _request(url: str, method: str, timeout: float) -> LinkResult:
    """The answer to one request, within `timeout` seconds in all."""
    # The socket's timeout bounds each read, not the whole: a server that sends its headers a
    # byte at a time would never run into it. So the request runs in a thread of its own,
    # waited for at most `timeout`; one given up on ends with its socket's next timeout.
    outcome: list[LinkResult] = []
    worker = threading.Thread(target=lambda: outcome.append(_ask(url, method, timeout)),
                              name="chronoline-link-check", daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else LinkResult(url, 0, f"no whole answer within {timeout:g} s")


def _ask(url: str, method: str, timeout: float) -> LinkResult:
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        # An address written with letters outside ASCII (café) travels percent-encoded.
        parts = urlsplit(url)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        netloc = host + (f":{parts.port}" if parts.port else "")
        address = urlunsplit((parts.scheme, netloc, quote(parts.path, safe="/%:@!$&'()*+,;="),
                              quote(parts.query, safe="=&%/:?+,;@"), ""))
        request = urllib.request.Request(address, method=method,
                                         headers={"User-Agent": USER_AGENT})
        with opener.open(request, timeout=timeout) as response:
            return LinkResult(url, response.status, response.reason)
    except urllib.error.HTTPError as error:
        location = urljoin(url, error.headers.get("Location", "")) if error.headers else ""
        return LinkResult(url, error.code, str(error.reason), location)
    except (urllib.error.URLError, TimeoutError, ConnectionError,
            http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return LinkResult(url, 0, str(reason) or type(error).__name__,
                          unresolved=_unresolved(reason))


def _unresolved(reason: object) -> bool:
    """Whether a failure says the host's name could not be looked up, or that no network is
    there to reach it: what every address answers on a machine that is offline."""
    return isinstance(reason, socket.gaierror) or (
        isinstance(reason, OSError) and reason.errno == errno.ENETUNREACH)
