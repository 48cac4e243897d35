"""An event page with its history, and the corrections page, pass the Nu HTML checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_history import Repo, event, new_repo
from test_html_valid import check_html, describe

from conftest import build_site


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


def test_history_and_corrections_pages_are_valid(repo: Repo) -> None:
    repo.write("content/a.md", event("A & B", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A & B", "2018-07-20"))
    repo.commit("Fix\n\nCorrection: 20 <July>, not 19 & more.\nUpdate: Added a source.",
                "2020-02-01T10:00:00+00:00")
    build_site(repo.root)
    site = repo.root / "site"
    files = [site / "events" / "a" / "index.html", site / "corrections" / "index.html",
             site / "index.html"]
    assert all(file.is_file() for file in files), sorted(site.rglob("*.html"))
    problems = [describe(message, site) for message in check_html(files)]
    assert not problems, "the Nu HTML checker reports errors:\n" + "\n".join(problems)
