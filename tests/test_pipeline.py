"""The pipeline as a whole: every problem of the content is found before anything is rendered,
and reported in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed

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
    assert sorted(problems_of(Builder(BuildOptions(root=root)))) == [
        "content/a.md", "content/c.md", "content/index.html"]


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


def test_a_rebuild_after_an_edit_reports_what_a_fresh_build_reports(make_site):
    """One save breaks a.md and gives b.md the slug a.md had: the dev server's rebuild, which
    reads only the files the watcher named, reports a.md alone, as a fresh build does; no stale
    copy of a.md's last event is left to clash with b.md."""
    root = make_site({"content/a.md": event_file("A", "2001-01-01", slug="x"),
                      "content/b.md": event_file("B", "2002-01-01", slug="y"),
                      "content/c.md": event_file("C", "2003-01-01", slug="c")})
    options = BuildOptions(root=root, output=root / "out", jobs=1)
    kept = Builder(options)
    kept.render(data=False)
    (root / "content" / "a.md").write_text("---\ntitle: A\nslug: z\n---\nBody.\n",
                                           encoding="utf-8")
    (root / "content" / "b.md").write_text(event_file("B", "2002-01-01", slug="x"),
                                           encoding="utf-8")
    assert problems_of(kept, changed={"content/a.md", "content/b.md"}) == problems_of(
        Builder(options)) == ["content/a.md"]


def problems_of(builder: Builder, **options: object) -> list[str]:
    try:
        builder.render(data=False, **options)  # type: ignore[arg-type]
    except BuildFailed as exc:
        return [error.path for error in exc.errors]
    return []
