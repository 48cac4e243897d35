"""Take the README's screenshots of the built demo timeline with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [SITE] [FOLDER]

serves SITE (default `site/`) on 127.0.0.1, as a reader's browser would see it (the search and the
embed need HTTP, not file://), and writes into FOLDER (default `docs/`): the timeline at 1440 and
390 px wide, the timeline filtered to two tags, and the embed page at the size of an article's
`<iframe>`."""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# (file name, page, viewport width, height)
SHOTS = [
    ("timeline-1440.png", "index.html", 1440, 900),
    ("timeline-390.png", "index.html", 390, 844),
    ("filtered-1440.png", "index.html?tags=japan,uk", 1440, 900),
    ("embed.png", "embed/index.html?event=2018-12-07-ansip-europe-should-be-worried", 650, 450),
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    folder = Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    if not (site / "index.html").is_file():
        print(f"screenshots: {site}/index.html not found: run `chronoline build` first",
              file=sys.stderr)
        return 1
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path, width, height in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(folder / name), full_page=False)
                page.close()
                print(folder / name)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
