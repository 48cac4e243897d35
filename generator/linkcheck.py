"""`chronoline check --links`: ask every source's address whether it still answers."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from generator.errors import ContentError
from generator.model import Timeline

USER_AGENT = "chronoline link check (a static timeline's source list)"
PER_HOST = 2  # a polite limit: never more than this many requests at once to one host
WORKERS = 16
RETRIES = 2  # for time-outs, dropped connections and 5xx answers, which are often brief


@dataclass(frozen=True)
class LinkResult:
    """What one address answered: `status` 0 when it did not answer at all."""

    url: str
    status: int
    reason: str
    location: str = ""  # where a redirect points

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def moved(self) -> bool:
        return 300 <= self.status < 400


def check_links(timeline: Timeline, timeout: float = 10.0,
                ) -> tuple[list[ContentError], list[ContentError]]:
    """Request every source URL once; dead links are errors unless the event has an
    archived copy, moved links are warnings."""
    places: dict[str, list[tuple[str, int | None, str, bool]]] = defaultdict(list)
    for event in timeline.events:
        for number, source in enumerate(event.sources, start=1):
            places[source.url].append((event.path, source.line, f"sources[{number}].url",
                                       bool(source.archive_url)))
    results = fetch_all(sorted(places), timeout)
    errors, warnings = [], []
    for url, result in sorted(results.items()):
        for path, line, field, archived in places[url]:
            if result.moved:
                warnings.append(ContentError(path, f"{url} has moved to {result.location} "
                                             f"({result.status}); link the new address", line,
                                             field))
            elif not result.ok:
                answer = (f"answers {result.status} {result.reason}" if result.status
                          else f"does not answer ({result.reason})")
                if archived:
                    warnings.append(ContentError(path, f"{url} {answer}; readers still have the "
                                                 "archived copy", line, field))
                else:
                    errors.append(ContentError(path, f"{url} {answer}; add an archive_url with a "
                                               "saved copy, or a new address", line, field))
    return errors, warnings


def fetch_all(urls: list[str], timeout: float) -> dict[str, LinkResult]:
    """Check `urls` concurrently, at most PER_HOST at a time for any one host."""
    limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    for url in urls:  # made here, in one thread, so that no two threads race to make one
        limits[urlsplit(url).hostname or ""]

    def one(url: str) -> LinkResult:
        with limits[urlsplit(url).hostname or ""]:
            return fetch(url, timeout)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(urls, pool.map(one, urls), strict=True))


def fetch(url: str, timeout: float) -> LinkResult:
    """HEAD the address (GET where HEAD is refused), without following redirects."""
    result = LinkResult(url, 0, "not tried")
    for attempt in range(RETRIES + 1):
        result = _request(url, "HEAD", timeout)
        if result.status in (403, 405, 501):  # some servers answer HEAD badly
            result = _request(url, "GET", timeout)
        if result.status != 0 and result.status < 500:
            return result
        if attempt < RETRIES:
            time.sleep(0.5 * (attempt + 1))
    return result


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _request(url: str, method: str, timeout: float) -> LinkResult:
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
        return LinkResult(url, 0, str(reason) or type(error).__name__)
