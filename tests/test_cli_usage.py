"""The command line as people expect it: help for every command and argument, "did you mean"
for a mistyped command or option, a missing folder named, warnings that stay warnings."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import make_parser

from conftest import event_file


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    return next(action.choices for action in parser._actions
                if isinstance(action, argparse._SubParsersAction))


def test_every_command_says_what_it_does_with_an_example():
    found = commands()
    assert set(found) == {"build", "serve", "init", "new", "check", "import"}
    for name, parser in found.items():
        description = parser.description or ""
        what, _, example = description.partition("\n\nExample:\n  ")
        assert len(what) > 40, f"chronoline {name} --help does not say what it does"
        assert example.startswith(f"chronoline {name}"), f"chronoline {name} has no example"


def test_every_argument_of_every_command_has_help():
    found = {"chronoline": make_parser(), **{f"chronoline {n}": p for n, p in commands().items()}}
    missing = [f"{name} {action.dest}" for name, parser in found.items()
               for action in parser._actions
               if not action.help or action.help == argparse.SUPPRESS]
    assert missing == []


def test_help_shows_the_description_example_and_positional_arguments(tmp_path):
    result = run("new", "--help", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "Write content/events/DATE-SLUG.md with its front matter filled in, and print" in lines
    assert ('  chronoline new "Summit in Brussels" --date 2018-12-07 --tag eu' in lines)
    assert "  title         the event's title, in quotes if it has spaces" in lines
    assert "the folder for the new site; made if it does not exist" in run(
        "init", "--help", cwd=tmp_path).stdout


@pytest.mark.parametrize(("args", "message"), [
    (["biuld"], "chronoline: unknown command 'biuld'; did you mean 'build'?"),
    (["chek", "--strict"], "chronoline: unknown command 'chek'; did you mean 'check'?"),
    (["publish"], "chronoline: unknown command 'publish'; run 'chronoline --help' to see the "
                  "commands"),
    (["build", "--darfts"], "chronoline build: unknown option '--darfts'; did you mean --drafts?"),
    (["serve", "--bnid=0.0.0.0"], "chronoline serve: unknown option '--bnid'; did you mean "
                                  "--bind?"),
    (["check", "--link"], None),  # a prefix of --links: argparse takes it
    (["import", "x.json", "--itno", "dir"], "chronoline import: unknown option '--itno'; did "
                                            "you mean --into?"),
    (["build", "--colour"], "chronoline build: unknown option '--colour'; run 'chronoline build "
                            "--help' to see its options"),
    (["--drafts", "build"], "chronoline: --drafts goes after the command: chronoline build "
                            "--drafts"),
])
def test_a_mistyped_command_or_option_gets_the_nearest_known_one(make_site, args, message):
    root = make_site({"content/a.md": event_file("A")})
    result = run(*args, cwd=root)
    if message is None:
        assert result.returncode == 0, result.stderr
        return
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
    assert not (root / "site").exists()


def test_what_argparse_reports_itself_is_unchanged(tmp_path):
    result = run("build", "extra", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "chronoline: error: unrecognized arguments: extra")
    result = run("new", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "chronoline new: error: the following arguments are required: title")


@pytest.mark.parametrize("args", [
    ["build", "--source", "{missing}"],
    ["serve", "--source", "{missing}", "--port", "0"],
    ["check", "--source", "{missing}"],
    ["import", "timeline.json", "--source", "{missing}"],
    ["new", "An event", "--site", "{missing}"],
])
def test_a_site_folder_that_is_not_there_is_named(tmp_path, args):
    missing = tmp_path / "no" / "such"
    result = run(*(arg.format(missing=missing) for arg in args), cwd=tmp_path)
    flag = "--site" if args[0] == "new" else "--source"
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"chronoline {args[0]}: {missing}: no such folder; give {flag} the site's folder, the "
        f"one that holds content/ (or make a new site with chronoline init)\n")
    assert not (tmp_path / "no").exists()  # new and import would have made it


def test_a_file_given_as_the_site_folder_is_named(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run("build", "--source", "notes.txt", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1, "chronoline build: notes.txt: is not a folder; give --source the site's folder, the "
           "one that holds content/\n")


@pytest.mark.parametrize(("args", "flag"), [
    (["build", "--output", "notes.txt/site"], "--output"),
    (["init", "notes.txt/new/site"], "DIR"),
    (["import", "timeline.json", "--into", "notes.txt/events"], "--into"),
])
def test_a_folder_to_make_inside_a_file_is_named(tmp_path, args, flag):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "timeline.json").write_text('{"events": []}', encoding="utf-8")
    result = run(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"chronoline {args[0]}: notes.txt: is a file, not a folder; give {flag} a folder "
               "that is not inside a file\n")


def test_strict_keeps_the_warning_prefix(make_site):
    root = make_site({"content/a.md": event_file("A")})
    warning = ("warning: content/a.md: sources: no source; add one so that readers can check "
               "the event")
    plain = run("check", cwd=root)
    assert plain.returncode == 0 and plain.stderr.splitlines() == [warning]
    strict = run("check", "--strict", cwd=root)
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [warning, "Checked 1 event: 0 errors, 1 warning"]
