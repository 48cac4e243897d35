"""The README's commands are the ones that work: CI runs its test command, which runs the
checks the README names."""

import re
import tomllib

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


CHECKS = ("ruff", "mypy", "pytest")


def test_the_test_command_runs_the_checks_the_readme_names_with_mypy():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    described = text.split("./scripts/test\n```\n", 1)[1].split("\n\n", 1)[0]
    named = [tool for tool in dict.fromkeys(re.findall(r"`(\w+)`", described)) if tool in CHECKS]
    script = (REPO_ROOT / "scripts" / "test").read_text(encoding="utf-8")
    run = re.findall(r"^(?:exec )?\.venv/bin/(?:python -m )?(\w+)", script, re.MULTILINE)
    assert [tool for tool in run if tool in CHECKS] == named == list(CHECKS)


def test_mypy_checks_the_package_from_pyproject():
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    assert project["tool"]["mypy"]["files"] == ["generator"]
    assert "mypy" in " ".join(project["project"]["optional-dependencies"]["test"])


def test_readme_names_every_module_of_the_package():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Development", 1)[1].split("\n## ", 1)[0]
    modules = {path.stem for path in (REPO_ROOT / "generator").rglob("*.py")}
    unnamed = sorted(m for m in modules - {"__init__", "__main__"} if f"`{m}`" not in section)
    assert unnamed == []
