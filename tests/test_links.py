"""Every internal link of the built demo resolves, served over HTTP and opened as files."""

from __future__ import annotations

import mimetypes
import threading
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from generator.build import BuildOptions, build

REPO_ROOT = Path(__file__).resolve().parents[1]
PREFIX = "/REPO/"
LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects: the base for relative links
    error: str | None  # None when the target answered / exists
    body: bytes = b""
    html: bool = False


Fetch = Callable[[str], Fetched]


class PageParser(HTMLParser):
    """Collects every element id, and every href of <a>/<link> and every src."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)
            elif value is not None and (name == "src" or name == "href" and tag in ("a", "link")):
                self.links.append(value)


def parse(body: bytes) -> PageParser:
    parser = PageParser()
    parser.feed(body.decode("utf-8"))
    return parser


def internal_target(base: str, ref: str, start: str) -> str | None:
    """`ref` resolved against `base`, or None when external or a bare #fragment."""
    if ref.strip().startswith("#"):
        return None
    target = urljoin(base, ref.strip())
    here, there = urlsplit(start), urlsplit(target)
    return target if (here.scheme, here.netloc) == (there.scheme, there.netloc) else None


def crawl(start: str, fetch: Fetch) -> tuple[set[str], list[str]]:
    """Follow internal links from `start`; returns the pages fetched and every problem."""
    queue: deque[tuple[str, str, str]] = deque([(start, "(start)", start)])
    fetched: dict[str, Fetched] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str, str]] = []
    problems: list[str] = []
    while queue:
        url, source, ref = queue.popleft()
        if url in fetched:
            continue
        got = fetched[url] = fetch(url)
        if got.error is not None:
            problems.append(f"{source}: link {ref!r} -> {url}: {got.error}")
        if got.error is not None or not got.html:
            continue
        page = parse(got.body)
        ids[url] = page.ids
        for link in page.links:
            target = internal_target(got.url, link, start)
            if target is not None:
                bare, fragment = urldefrag(target)
                fragments += [(url, link, bare, unquote(fragment))] if fragment else []
                queue.append((bare, url, link))
    for source, link, bare, fragment in fragments:
        if fetched[bare].error is None and fragment not in ids.get(bare, set()):
            problems.append(f"{source}: link {link!r}: no id {fragment!r} in {bare}")
    return {url for url, got in fetched.items() if got.html}, problems


def fetch_http(url: str) -> Fetched:
    assert urlsplit(url).hostname == "127.0.0.1", f"refusing to request {url}"
    try:
        with LOOPBACK.open(url, timeout=10) as answer:
            html = answer.headers.get_content_type() == "text/html"
            return Fetched(answer.geturl(), None, answer.read(), html)
    except HTTPError as exc:
        return Fetched(url, f"HTTP {exc.code}", exc.read())


def file_fetcher(root: Path) -> Fetch:
    def fetch(url: str) -> Fetched:
        path = Path(urllib.request.url2pathname(urlsplit(url).path))
        if not path.resolve().is_relative_to(root.resolve()):
            return Fetched(url, "outside the site folder")
        if path.is_dir():
            return Fetched(url, "is a folder, which file:// does not open as its index.html")
        if not path.is_file():
            return Fetched(url, "no such file")
        return Fetched(url, None, path.read_bytes(), path.suffix == ".html")
    return fetch


def make_handler(folder: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Serves `folder` at `prefix` like a static host: 404.html for what is missing."""

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            target = (folder / path.removeprefix(prefix)).resolve()
            if not path.startswith(prefix) or not target.is_relative_to(folder.resolve()):
                return self.answer(404, b"not found", "text/plain")
            if target.is_dir() and not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                return self.end_headers()
            if target.is_dir():
                target = target / "index.html"
            if target.is_file():
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return self.answer(200, target.read_bytes(), kind)
            missing = folder / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"not found"
            return self.answer(404, body, "text/html")

        def answer(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Handler


@contextmanager
def serve(folder: Path, prefix: str = PREFIX) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a free port; yields the URL of `prefix`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(folder, prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def html_files(site: Path) -> set[Path]:
    return {path for path in site.rglob("*.html") if path != site / "404.html"}


@pytest.fixture(scope="module")
def site(demo_site: Path) -> Path:
    return demo_site


def test_links_resolve_over_http(site: Path) -> None:
    with serve(site) as root:
        pages, problems = crawl(root + "index.html", fetch_http)
        assert problems == []
        reached = {site / urlsplit(url).path.removeprefix(PREFIX) for url in pages}
        reached = {path / "index.html" if path.is_dir() else path for path in reached}
        assert html_files(site) - reached == set(), "pages no link leads to"

        deep = root + "no/such/page"
        missing = fetch_http(deep)
        assert missing.error == "HTTP 404"
        assert missing.body == (site / "404.html").read_bytes()
        links = [internal_target(deep, ref, root) for ref in parse(missing.body).links]
        answers = {url: fetch_http(url).error for url in links if url is not None}
        assert answers and all(error is None for error in answers.values()), answers


def test_links_resolve_as_files(site: Path) -> None:
    pages, problems = crawl((site / "index.html").as_uri(), file_fetcher(site))
    assert problems == []
    reached = {Path(urllib.request.url2pathname(urlsplit(url).path)) for url in pages}
    assert html_files(site) - reached == set(), "pages no link leads to"


def test_404_links_start_at_domain_root(tmp_path: Path) -> None:
    output = tmp_path / "site"
    build(BuildOptions(root=REPO_ROOT, output=output, base_url="https://example.org/"))
    refs = [ref for ref in parse((output / "404.html").read_bytes()).links
            if not urlsplit(ref).scheme and not ref.startswith("#")]  # the site's own links
    assert refs
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("/REPO/"), ref


def test_crawler_catches_broken_links(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="page.html#top">ok</a> <a href="missing.html">broken</a>'
        ' <a href="page.html#nowhere">no such id</a> <a href="https://example.org/">external</a>')
    (tmp_path / "page.html").write_text('<h1 id="top">Page</h1><a href="index.html">back</a>')
    expected = ["'missing.html'", "'page.html#nowhere'"]
    pages, problems = crawl((tmp_path / "index.html").as_uri(), file_fetcher(tmp_path))
    assert len(pages) == 2 and len(problems) == 2
    assert all(ref in problem for ref, problem in zip(expected, problems, strict=True))
    with serve(tmp_path) as root:
        pages, problems = crawl(root + "index.html", fetch_http)
    assert len(pages) == 2 and len(problems) == 2
    assert "HTTP 404" in problems[0] and "'page.html#nowhere'" in problems[1]
