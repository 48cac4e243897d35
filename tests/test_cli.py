"""The `chronoline` command as a user runs it: output, exit codes, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from generator.layouts import STATIC_DIR

from conftest import event_file


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_build_prints_a_one_line_summary(make_site):
    root = make_site({"content/a.md": event_file("A")}, config='title = "T"\nsearch = false\n')
    result = run("build", cwd=root)
    assert result.returncode == 0, result.stderr
    # The theme's files are copied too, its search script only with search on.
    written = 10 + len([p for p in STATIC_DIR.iterdir() if p.name != "search.js"])
    assert re.fullmatch(rf"Built 1 event, 6 pages: {written} files written, 0 removed in \d+ ms\n",
                        result.stdout)
    assert (root / "site" / "index.html").is_file()


def test_console_script_is_the_same_command(make_site):
    root = make_site({"content/a.md": event_file("A")})
    script = Path(sys.executable).with_name("chronoline")
    result = subprocess.run([str(script), "build", "--quiet"], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_options(make_site, tmp_path):
    root = make_site({"content/a.md": event_file("A"),
                      "content/b.md": event_file("B", draft="true")})
    out = tmp_path / "elsewhere"
    result = run("build", "--source", str(root), "--output", str(out), "--drafts",
                 "--base-url", "https://u.github.io/r", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "events" / "b" / "index.html").is_file()
    assert 'href="/r/assets/style.css"' in (out / "404.html").read_text(encoding="utf-8")


def test_errors_are_listed_without_a_traceback_and_exit_non_zero(make_site):
    root = make_site({"content/a.md": "---\ntitle: [x\n---\n",
                      "content/b.md": event_file("B", date="someday")})
    result = run("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/a.md:3: broken YAML:")
    assert lines[1].startswith("content/b.md:3: date: 'someday' is not a date;")
    assert lines[2] == f"Build failed: 2 problems; {Path('site')} was left as it was."
    assert not (root / "site").exists()


def test_a_bad_setting_is_named(make_site):
    root = make_site({"content/a.md": event_file("A")}, config='titel = "x"\n')
    result = run("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "chronoline.toml:1: titel: unknown setting; did you mean 'title'?")


def test_a_folder_without_content(tmp_path):
    result = run("build", "--source", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "has no content/ folder" in result.stderr and "Traceback" not in result.stderr


def test_a_symlink_out_of_the_site_is_skipped_with_a_warning(make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    root = make_site({"content/a.md": event_file("A")})
    (root / "content" / "leak.txt").symlink_to(secret)
    result = run("build", cwd=root)
    assert result.returncode == 0
    assert "warning: content/leak.txt: skipped: it is a link to a file outside content/" in (
        result.stderr)
    assert not (root / "site" / "leak.txt").exists()


def test_a_symlink_to_a_private_file_of_the_site_folder_is_skipped(make_site):
    root = make_site({"content/a.md": event_file("A"), ".git/config": "token = secret"})
    (root / "content" / "notes.txt").symlink_to(root / ".git" / "config")
    result = run("build", cwd=root)
    assert result.returncode == 0
    assert not (root / "site" / "notes.txt").exists()
