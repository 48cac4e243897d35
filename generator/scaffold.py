"""`chronoline init`: a new site that builds at once."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from generator import __version__
from generator.errors import CommandFailed
from generator.eventwriter import event_text, write_new
from generator.frontmatter import CONTROL

WORKFLOW = Path(__file__).parent / "starter" / "pages.yml"
# The line of the workflow that becomes the install step; the starter file stays valid YAML.
INSTALL_LINE = "        run: INSTALL_CHRONOLINE\n"
# What an address may hold to be written into the workflow as it is: inside double quotes in
# the shell, and in YAML without quotes (no "$", "`", quotes, spaces or "#" after a space).
_PLAIN_URL = re.compile(r"[A-Za-z0-9._~:/@%+=&?,;!*()\[\]-]+(#subdirectory=[A-Za-z0-9._/-]+)?")
# Half a UTF-16 pair: what Python makes of bytes in a command line that are not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InitError(CommandFailed):
    """The folder cannot take a new site; the message says why."""


@dataclass(frozen=True)
class InstallStep:
    """How the Pages workflow installs chronoline: a command and, where it could not be told
    how the chronoline that ran `init` was installed, why (the workflow then says what to
    change)."""

    command: str
    unsure: str = ""


def init_site(folder: Path, title: str, language: str, force: bool = False,
              today: dt.date | None = None,
              install: InstallStep | None = None) -> tuple[list[Path], list[Path]]:
    """Write a new site into `folder`: returns the files written and those left as they were.
    The Pages workflow installs chronoline as `install` says, by default as it is installed.
    A folder with files in it is refused unless `force`; no file is ever overwritten."""
    # A title no page may hold, or that chronoline.toml cannot, is refused before any writing.
    if bad := CONTROL.search(title):
        raise InitError(f"--title holds a control character (U+{ord(bad.group()):04X}); "
                        "remove it")
    if _SURROGATE.search(title):
        raise InitError("--title is not UTF-8 text; check your terminal's encoding")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder}: is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InitError(f"{folder}: is not empty; choose a new folder, or add --force to add "
                        "the missing files (existing files are never overwritten)")
    day = (today or dt.date.today()).isoformat()
    files = {
        "chronoline.toml": _config(title, language),
        f"content/events/{day}-welcome.md": event_text(
            {"title": "The timeline begins", "date": day, "tags": ["example"],
             "sources": [{"url": "https://example.org/", "title": "Where the news was",
                          "publisher": "Example"}]},
            "Each event is a Markdown file under content/. This one shows the format: edit "
            "it, or run `chronoline new \"Title\"` for another.\n\nThe rest of the text appears "
            "on the event's own page."),
        "layouts/README.md": "A file here named like a template of the default theme "
                             "(base.html, event.html, ...) replaces it, and can extend it as "
                             "{% extends \"default/base.html\" %}.\n",
        ".gitignore": "site/\n.chronoline-cache/\n",
        ".github/workflows/pages.yml": workflow_text(install or install_step(installed())),
    }
    written: list[Path] = []
    kept: list[Path] = []
    for name, text in files.items():
        path = folder / name
        (written if write_new(path, text) else kept).append(path)
    return written, kept


def _config(title: str, language: str) -> str:
    return (f"# Settings of this timeline; see chronoline's README for all of them.\n"
            f"title = {json.dumps(title, ensure_ascii=False)}\n"
            f"description = \"\"\n"
            f"language = {json.dumps(language)}\n"
            f"timezone = \"UTC\"\n"
            f"# base_url = \"https://USER.github.io/REPO/\"  (the Pages workflow sets it)\n")


def workflow_text(install: InstallStep) -> str:
    """The Pages workflow, installing chronoline as `install` says."""
    text = WORKFLOW.read_text(encoding="utf-8")
    indent = INSTALL_LINE[:len(INSTALL_LINE) - len(INSTALL_LINE.lstrip())]
    note = (f"{install.unsure}, so this line may not find it:",
            "change it to where it can be installed from, such as a git repository at a commit:",
            '  pip install "chronoline @ git+https://github.com/OWNER/chronoline@COMMIT"')
    step = "".join(f"{indent}# {line}\n" for line in note) if install.unsure else ""
    return text.replace(INSTALL_LINE, f"{step}{indent}run: {install.command}\n")


def install_step(installed: importlib.metadata.Distribution | None) -> InstallStep:
    """Install the chronoline that runs now, as pip recorded where it came from (PEP 610's
    direct_url.json): a git checkout at its commit, an index at its version; where GitHub
    cannot reach what it came from, its version, with a note saying what to change."""
    if installed is None:
        return _pinned(__version__, "chronoline runs here from its source, not installed")
    record = installed.read_text("direct_url.json")
    if record is None:  # from an index, such as PyPI
        return InstallStep(f'pip install "chronoline=={installed.version}"')
    try:
        origin = json.loads(record)
    except ValueError:
        origin = None
    if not isinstance(origin, dict) or not isinstance(origin.get("url"), str):
        return _pinned(installed.version, "pip's record of where chronoline came from cannot "
                                          "be read")
    url = _public(origin["url"], origin.get("subdirectory"))
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and url is not None:
        commit = vcs.get("commit_id")
        if isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", commit):
            url, _, subdirectory = url.partition("#")
            at = f"git+{url}@{commit}" + (f"#{subdirectory}" if subdirectory else "")
            return InstallStep(f'pip install "chronoline @ {at}"')
    if isinstance(origin.get("archive_info"), dict) and url is not None:
        return InstallStep(f'pip install "chronoline @ {url}"')
    where = ("a folder on this machine" if isinstance(origin.get("dir_info"), dict)
             else "an address GitHub cannot reach")
    return _pinned(installed.version, f"chronoline was installed from {where}")


def installed() -> importlib.metadata.Distribution | None:
    """chronoline as an installer (pip) recorded it; not the metadata a source checkout has
    beside its code (`chronoline.egg-info`), which is found first when run from there."""
    return next((found for found in importlib.metadata.distributions(name="chronoline")
                 if found.read_text("INSTALLER") is not None), None)


def _public(url: str, subdirectory: object) -> str | None:
    """The address as a GitHub runner can fetch it, without any user name or password (never
    written into a file that is pushed); None for one it cannot fetch or that is not plain."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # not a number
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    host += f":{port}" if port else ""
    public = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    if isinstance(subdirectory, str) and subdirectory:
        public += f"#subdirectory={subdirectory}"
    return public if _PLAIN_URL.fullmatch(public) else None


def _pinned(version: str, why: str) -> InstallStep:
    return InstallStep(f'pip install "chronoline=={version}"', why)
