"""The pipeline as a whole: every problem of the content is found before anything is rendered,
and reported in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.build import Builder, BuildOptions

from conftest import event_file, site_files


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def three_problems(make_site) -> Path:
    """A site with an event without a date, two events with one slug, and a file of content/
    that would take the place of the generated index.html."""
    return make_site({
        "content/a.md": "---\ntitle: No date here\n---\nBody.\n",
        "content/b.md": event_file("Twice", slug="twice"),
        "content/c.md": event_file("Twice again", "2019-01-01", slug="twice"),
        "content/index.html": "<p>an old home page</p>\n",
        "content/ok.md": event_file("Fine"),
    })


def test_a_build_reports_every_problem_of_the_content_in_one_run(make_site):
    root = make_site({"content/ok.md": event_file("Fine")})
    assert run("build", cwd=root).returncode == 0
    before = site_files(root / "site")
    three_problems(make_site)
    result = run("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == ("content/a.md:3: date: is missing; add a line 'date: ...' to the "
                        "front matter"), lines
    assert any(line.startswith("content/c.md") and "twice" in line and "content/b.md" in line
               for line in lines), lines
    assert ("content/index.html: would overwrite the generated index.html; rename or move it"
            in lines), lines
    assert lines[-1] == f"Build failed: 3 problems; {Path('site')} was left as it was."
    assert site_files(root / "site") == before


def test_check_and_the_library_report_them_all_too(make_site):
    root = three_problems(make_site)
    result = run("check", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "Checked 4 events: 3 errors, 0 warnings", result.stderr
    builder = Builder(BuildOptions(root=root))
    try:
        builder.render()
    except Exception as exc:  # noqa: BLE001 - the test reads what the error holds
        paths = sorted(error.path for error in exc.errors)  # type: ignore[attr-defined]
    assert paths == ["content/a.md", "content/c.md", "content/index.html"]


def test_a_fixed_site_builds_after_a_failed_run(make_site):
    root = three_problems(make_site)
    assert run("build", cwd=root).returncode == 1
    (root / "content" / "a.md").write_text(event_file("Dated now"), encoding="utf-8")
    (root / "content" / "c.md").write_text(event_file("Once", slug="once"), encoding="utf-8")
    (root / "content" / "index.html").unlink()
    result = run("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "events" / "once" / "index.html").is_file()
    assert not (root / "site" / "index.html").read_text(encoding="utf-8").count("old home")
