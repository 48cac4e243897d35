"""The built demo's HTML passes the W3C Nu HTML checker (npm package `vnu-jar`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

from generator.build import BuildOptions, build

REPO_ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, which must run the checker."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the HTML check must run in CI)")
    pytest.skip(reason)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed; the Nu HTML checker (vnu.jar) needs it")
    if not VNU_JAR.is_file():
        unavailable(f"{VNU_JAR} is missing; run "
                    f"`npm install --no-save --prefix {REPO_ROOT} vnu-jar`")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def check_html(files: list[Path]) -> list[dict[str, object]]:
    """Run vnu once over every file; returns its messages (only errors are asked for)."""
    done = subprocess.run([*vnu_command(), *map(str, files)], capture_output=True, text=True,
                          timeout=600, check=False)
    try:
        report = json.loads(done.stderr or done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar exited {done.returncode} without a JSON report:\n"
                    f"{done.stdout}\n{done.stderr}")
    messages: list[dict[str, object]] = report.get("messages", [])
    if done.returncode != 0 and not messages:
        pytest.fail(f"vnu.jar exited {done.returncode}:\n{done.stderr}")
    return messages


def describe(message: dict[str, object], site: Path) -> str:
    url = str(message.get("url", "?"))
    shown = url.removeprefix("file:").removeprefix("//")
    if shown.startswith(str(site)):
        shown = Path(shown).relative_to(site).as_posix()
    line = message.get("lastLine", message.get("firstLine", "?"))
    return f"{shown}:{line}: {message.get('type')}: {message.get('message')}"


@pytest.fixture(scope="module")
def site(demo_site: Path) -> Path:
    return demo_site


def test_built_html_is_valid(site: Path) -> None:
    files = sorted(site.rglob("*.html"))
    assert files, "the build wrote no HTML"
    messages = check_html(files)
    problems = [describe(message, site) for message in messages]
    assert not problems, "the Nu HTML checker reports errors:\n" + "\n".join(problems)


def test_the_embed_page_and_its_code_are_valid(make_site) -> None:
    # The demo has no media, ranges or display dates, and a base URL: a site that has them all
    # and none, as the embed page and the timeline page's embed code show them.
    media = ("\nmedia:\n  url: https://example.org/map.png\n  alt: A map\n  caption: The *route*"
             "\n  credit: Desk\nsources:\n  - url: https://example.org/s\n    title: S\n"
             "    date: 2018-07-20")
    root = make_site({
        "content/a.md": f"---\ntitle: A & B\ndate: 2018-07-19\nend: 2018-08{media}\n---\n"
                        "A [link](../b/).\n",
        "content/b.md": "---\ntitle: B\ndate: 2019\ndisplay_date: Some time in 2019\n"
                        "media:\n  url: https://example.org/video\n---\nB.\n"})
    build(BuildOptions(root=root))
    site = root / "site"
    files = [site / "embed" / "index.html", site / "index.html"]
    assert all(file.is_file() for file in files)  # vnu passes over a missing file
    problems = [describe(message, site) for message in check_html(files)]
    assert not problems, "the Nu HTML checker reports errors:\n" + "\n".join(problems)
