"""The demo site's own history holds a real correction, which its pages show."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import Builder, BuildOptions

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_shows_its_own_correction() -> None:
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=False)
    if shallow.returncode != 0 or shallow.stdout.strip() != "false":
        pytest.skip("the demo's history needs a full clone of chronoline")
    # In memory: nothing is written into the repository.
    site = Builder(BuildOptions(root=REPO_ROOT)).render()
    page = site.files["corrections/index.html"]
    assert isinstance(page, bytes)
    soup = BeautifulSoup(page, "html.parser")
    corrections = [item for item in soup.select("ol.changes-list li.correction")]
    texts = [item.select_one(".change-text").get_text() for item in corrections]
    assert any("recalled that T-Mobile had said earlier in December" in text for text in texts)
    event = site.files["events/2018-12-dutch-operators-t-mobile-keeps-huawei/index.html"]
    assert isinstance(event, bytes)
    assert "Only RTL Nieuws reported the position again." in BeautifulSoup(
        event, "html.parser").select_one("ul.corrections").get_text()
