"""axe-core finds nothing to fix on an event page with its history, and on the corrections
page, in light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_accessibility import violations
from test_history import Repo, event, new_repo

from conftest import build_site
from loopback import served


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_history_pages_are_accessible(browser, repo: Repo, scheme: str) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: A was on the 20th.\nUpdate: More on A.",
                "2020-02-01T10:00:00+00:00")
    build_site(repo.root)
    with served(repo.root / "site") as site:
        for path in ("events/a/index.html", "corrections/index.html", "index.html"):
            page = browser.new_page(color_scheme=scheme)
            page.goto(site.url + path)
            assert page.locator("text=A was on the 20th.").count() == (path != "index.html")
            assert violations(page) == [], path
            page.close()
