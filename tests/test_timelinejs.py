"""timeline.json as TimelineJS itself reads it, in headless Chromium, with no other host reached."""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import BuildOptions, build

from conftest import EXAMPLE, REPO_ROOT

TIMELINEJS = REPO_ROOT / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>embed</title>
<link rel="stylesheet" href="/tl/css/timeline.css"><script src="/tl/js/timeline.js"></script>
</head><body><div id="timeline-embed" style="width: 1000px; height: 600px"></div>
<script>
fetch("/site/timeline.json").then((r) => r.json()).then((data) => {
  window.timeline = new TL.Timeline("timeline-embed", data);
  window.timeline.on("loaded", () => { window.timelineLoaded = true; });
});
</script></body></html>"""


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, site: Path, **kwargs):
        self.site = site
        super().__init__(*args, directory=str(TIMELINEJS), **kwargs)

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path.startswith("/site/"):
            return str(self.site / path.removeprefix("/site/"))
        return super().translate_path(path.removeprefix("/tl"))

    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        else:
            super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embed(tmp_path):
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        message = "TimelineJS is not installed (npm install --no-save @knight-lab/timelinejs)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    site = tmp_path / "site"
    build(BuildOptions(root=EXAMPLE, output=site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Handler, site=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()
    server.server_close()


def test_timelinejs_renders_one_slide_per_event_in_order(browser, embed):
    url, site = embed
    data = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    blocked: list[str] = []

    def only_loopback(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(url)
    page.wait_for_function("window.timelineLoaded === true", timeout=20_000)
    slides = page.evaluate("window.timeline.config.events.map((e) => e.unique_id)")
    assert slides == [event["unique_id"] for event in data["events"]]
    rendered = page.locator(".tl-slide:not(.tl-slide-titleslide)")
    assert rendered.count() == len(data["events"])
    headline = page.locator(".tl-slide-titleslide .tl-headline").first.inner_text()
    assert headline == data["title"]["text"]["headline"]
    assert errors == []
    # Left unloaded: TimelineJS's own web fonts, and the site's image at its public address.
    assert all("font" in u or u.startswith("https://example.org/timeline/") for u in blocked)
    page.screenshot(path=os.environ.get("TIMELINEJS_SHOT", str(site.parent / "timelinejs.png")))
    page.close()
