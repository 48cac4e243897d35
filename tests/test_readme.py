"""The README's commands are the ones that work: CI runs its test command."""

import re

from conftest import REPO_ROOT


def readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_a_build_command_and_a_test_command():
    build_command, test_command = readme_commands()
    assert build_command.endswith("chronoline build")
    assert test_command == "./scripts/test"


def test_ci_runs_the_readme_test_command():
    _, test_command = readme_commands()
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.startswith(test_command) for line in ci.splitlines())


def test_readme_names_every_module_of_the_package():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Development", 1)[1].split("\n## ", 1)[0]
    modules = {path.stem for path in (REPO_ROOT / "generator").glob("*.py")}
    unnamed = sorted(m for m in modules - {"__init__", "__main__"} if f"`{m}`" not in section)
    assert unnamed == []
