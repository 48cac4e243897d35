"""Take the README's screenshot of the built demo timeline with Debian's Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    target = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshot.png")
    page_path = sys.argv[3] if len(sys.argv) > 3 else "index.html"
    width = int(sys.argv[4]) if len(sys.argv) > 4 else 1100
    scheme = sys.argv[5] if len(sys.argv) > 5 else "light"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.goto((site / page_path).as_uri())
        page.screenshot(path=str(target), full_page=False)
        browser.close()
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
