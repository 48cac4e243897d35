"""A TimelineJS file or a published sheet fetched from the web: http(s) only, bounded in size,
time and redirects, every failure one line naming the address."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO
from urllib.parse import urljoin, urlsplit

from generator import __version__
from generator.importformats import MAX_BYTES, ImportFailed

SCHEMES = ("http", "https")
MAX_REDIRECTS = 5  # Google's published sheets redirect once or twice
TIMEOUT = 30.0  # seconds for the whole download; a published sheet comes in one or two
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What an address gave: its bytes, the address they came from after redirects (relative
    media are resolved against it) and the type the server said they are."""

    url: str
    data: bytes
    content_type: str


def is_address(text: str) -> bool:
    """True for `https://…` and any other `scheme://…`, which an import fetches or refuses
    rather than looking for a file of that name."""
    return bool(_SCHEME.match(text))


def fetch(url: str, timeout: float = TIMEOUT) -> Fetched:
    """The body of `url`, at most importformats.MAX_BYTES, within `timeout` seconds."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise ImportFailed(f"{url}: chronoline imports from http and https addresses only "
                           "(or from a file on this machine)")
    # The socket's timeout bounds each read, not the whole: a server that sends its headers a
    # byte at a time would never run into it. So the download runs in a thread of its own,
    # waited for at most `timeout`; one given up on ends with its socket's next timeout.
    outcome: list[Fetched | ImportFailed] = []
    worker = threading.Thread(target=lambda: outcome.append(_download(url, timeout)),
                              name="chronoline-import-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise ImportFailed(_too_slow(url, timeout))
    if isinstance(outcome[0], ImportFailed):
        raise outcome[0]
    return outcome[0]


def _download(url: str, timeout: float) -> Fetched | ImportFailed:
    """What `url` gave, or why it gave nothing, as one line naming it."""
    request = urllib.request.Request(url, headers={
        "User-Agent": f"chronoline/{__version__} (import)",
        "Accept": "application/json, text/csv;q=0.9, */*;q=0.5"})
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_Redirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            data = _read(response, url, deadline)
            return Fetched(response.geturl(), data, response.headers.get_content_type())
    except ImportFailed as exc:
        return exc
    except _LeavesTheWeb as exc:
        return ImportFailed(f"{url}: redirects to {exc}, which is not an http or https "
                            "address")
    except urllib.error.HTTPError as exc:
        return ImportFailed(_refused(url, exc))
    except urllib.error.URLError as exc:
        return ImportFailed(f"{url}: {_unreachable(exc.reason, timeout)}")
    except TimeoutError:
        return ImportFailed(_too_slow(url, timeout))
    except (http.client.HTTPException, OSError) as exc:
        return ImportFailed(f"{url}: the server's answer could not be read "
                            f"({type(exc).__name__}: {exc}); try again")


def _too_slow(url: str, timeout: float) -> str:
    return (f"{url}: did not finish sending within {timeout:g} s; try again, or save the file "
            "and import it from this machine")


class _LeavesTheWeb(Exception):
    """A redirect to an address that is not http(s); the message is that address."""


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed a few times, and only to http and https: never to a file or ftp."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                       headers: http.client.HTTPMessage) -> IO[bytes] | None:
        target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        if urlsplit(target).scheme.lower() not in SCHEMES:
            raise _LeavesTheWeb(target[:200])
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _read(response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
    """The body, refused past MAX_BYTES or the deadline: a server that sends a byte now and
    then never runs into the socket's timeout, so the whole download has one too."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):  # what has come, not a whole chunk
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportFailed(f"{url}: is larger than {MAX_BYTES // 1024 // 1024} MB; "
                               "chronoline imports TimelineJS files up to that size")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(url: str, exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400 and "infinite loop" in str(exc.reason):
        return f"{url}: redirects more than {MAX_REDIRECTS} times; give the address it ends at"
    hint = {404: "check the address; a Google Sheet must be published (File, Share, Publish "
                 "to web) and the address be the one it gives",
            401: "the file is not public; publish it, or save it and import the file",
            403: "the file is not public; publish it, or save it and import the file"}
    return (f"{url}: the server answered {exc.code} {exc.reason}; "
            f"{hint.get(exc.code, 'check the address, or try again later')}")


def _unreachable(reason: object, timeout: float) -> str:
    if isinstance(reason, socket.gaierror):
        return ("the host name is not known; check the address, and whether this machine is "
                "online")
    if isinstance(reason, TimeoutError):
        return f"the host does not answer within {timeout:g} s; check the address, or try again"
    if isinstance(reason, ConnectionRefusedError):
        return "the host does not answer (connection refused); check the address"
    return f"cannot be fetched ({reason}); check the address, or try again"
