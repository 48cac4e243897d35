"""A built site/ tampered with between builds: the next build touches nothing outside it, and
either leaves a correct site or fails with a clear error and leaves the site as it was.

A few dozen examples by default; `CHRONOLINE_FUZZ=long` runs many more."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build
from generator.cli import main
from generator.outputfiles import TEMPORARY
from generator.outputfolder import BUILDING, MANIFEST

from conftest import event_file

LONG = os.environ.get("CHRONOLINE_FUZZ") == "long"

EVENTS = {f"content/e{n}.md": event_file(f"E{n}", f"201{n}-0{n + 1}-01", tags=f"[t{n % 2}]")
          for n in range(4)}
ASSET = {"content/files/note.txt": "a file of the site's own"}
# A clear error: a file (and line) and what is wrong, or the command's own line; never a
# traceback or "failed unexpectedly".
CLEAR = re.compile(r"(chronoline build: )?/\S.*: \S.*|content/\S+: \S.*"
                   r"|Build failed: \d+ problems?; \S+ was left as it was\.")


def snapshot(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, object]:
    """Every entry under `folder` (links not followed): a file's bytes, a link's target, or
    "folder"; the folders in `skip` left out."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if any(path == other or other in path.parents for other in skip):
            continue
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = ("link", os.readlink(path))
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = path.read_bytes()
    return found


def staged(entries: dict[str, object]) -> set[str]:
    return {name for name in entries if Path(name).name.startswith(TEMPORARY)}


def files_only(entries: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in entries.items() if value != "folder"}


MANIFEST_LINES = st.one_of(
    st.sampled_from(["../../outside/sentinel.txt", "../chronoline.toml", "../content/e0.md",
                     "./index.html", "a//b", "", "events/../../chronoline.toml", "\\x",
                     "linked/sentinel.txt", "files/note.txt", "gone.html", "tags/t0"]),
    st.builds(lambda parts: "/".join(parts),
              st.lists(st.sampled_from(["..", ".", "", "a", "events", "e0", "index.html"]),
                       min_size=1, max_size=4)),
    st.just("ABSOLUTE"))
LINK_TARGETS = st.sampled_from(["outside", "outside/sentinel.txt", "outside/missing",
                                "outside/sub", "../../outside"])
TAMPERS = st.one_of(
    st.tuples(st.just("manifest line"), MANIFEST_LINES),
    st.tuples(st.just("link a folder"), st.integers(0, 10**6), LINK_TARGETS),
    st.tuples(st.just("link a file"), st.integers(0, 10**6), LINK_TARGETS),
    st.tuples(st.just("file to folder"), st.integers(0, 10**6)),
    st.tuples(st.just("folder to file"), st.integers(0, 10**6)),
    st.tuples(st.just("half-written"), st.integers(0, 10**6), st.binary(max_size=20)),
    st.tuples(st.just("half-written link"), st.integers(0, 10**6), LINK_TARGETS),
    st.tuples(st.just("stale mark"), st.booleans()),
    st.tuples(st.just("remove a file"), st.integers(0, 10**6)),
)


def tamper(site: Path, base: Path, action: tuple) -> None:
    kind, *args = action
    files = sorted(p for p in site.rglob("*") if p.is_file() and not p.is_symlink())
    folders = sorted(p for p in site.rglob("*") if p.is_dir() and not p.is_symlink())
    if kind == "manifest line":
        if not (site / MANIFEST).is_file():
            return  # an earlier tamper made it a folder, which holds no lines
        line = str(base / "outside" / "sentinel.txt") if args[0] == "ABSOLUTE" else args[0]
        with (site / MANIFEST).open("a", encoding="utf-8") as manifest:
            manifest.write(line + "\n")
    elif kind == "link a folder" and folders:
        folder = folders[args[0] % len(folders)]
        shutil.rmtree(folder)
        folder.symlink_to(link_target(folder, base, args[1]))
    elif kind in ("link a file", "file to folder", "remove a file") and files:
        path = files[args[0] % len(files)]
        path.unlink()
        if kind == "link a file":
            path.symlink_to(link_target(path, base, args[1]))
        elif kind == "file to folder":
            path.mkdir()
            (path / "inside.txt").write_text("x", encoding="utf-8")
    elif kind == "folder to file" and folders:
        folder = folders[args[0] % len(folders)]
        shutil.rmtree(folder)
        folder.write_text("not a folder", encoding="utf-8")
    elif kind in ("half-written", "half-written link") and files:
        path = files[args[0] % len(files)]
        staged = path.with_name(f"{TEMPORARY}{path.name}")
        staged.unlink(missing_ok=True)  # planted before: never written through here either
        if kind == "half-written":
            staged.write_bytes(args[1])
        else:
            staged.symlink_to(link_target(staged, base, args[1]))
    elif kind == "stale mark":
        mark = site / BUILDING
        mark.unlink(missing_ok=True)
        if args[0]:
            mark.touch()
        else:
            mark.symlink_to(base / "outside" / "mark")


def link_target(path: Path, base: Path, target: str) -> Path:
    if target.startswith(".."):
        return Path(os.path.relpath(base / "outside", path.parent))
    return base / target


def prepare(base: Path) -> Path:
    outside = base / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sentinel.txt").write_text("the user's", encoding="utf-8")
    (outside / "sub" / "index.html").write_text("the user's page", encoding="utf-8")
    root = base / "blog"
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text('title = "Fuzzed"\n', encoding="utf-8")
    for name, text in {**EVENTS, **ASSET}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def run_build(root: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["build", "--quiet", "--source", str(root)])
    return status, err.getvalue()


@settings(max_examples=1000 if LONG else 30, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tampers=st.lists(TAMPERS, min_size=1, max_size=4), edit=st.booleans(),
       twice=st.booleans())
def test_a_tampered_output_folder_never_leads_a_build_outside_it(tmp_path_factory, tampers,
                                                                  edit, twice):
    base = tmp_path_factory.mktemp("fuzz")
    root = prepare(base)
    site = root / "site"
    build(BuildOptions(root=root))
    if twice:
        build(BuildOptions(root=root))
    for action in tampers:
        tamper(site, base, action)
    if edit:
        (root / "content" / "e0.md").write_text(event_file("Edited", "2010-01-01", tags="[t1]"),
                                                encoding="utf-8")
    # Beside the site: what lies outside its output folder, including its own files.
    outside = snapshot(base, skip=(site, root / ".chronoline-cache"))
    before = snapshot(site)
    status, err = run_build(root)
    assert snapshot(base, skip=(site, root / ".chronoline-cache")) == outside
    assert status in (0, 1), err
    if status == 0:
        assert err == ""
        clean = base / "clean"
        build(BuildOptions(root=root, output=clean, clean=True))
        made, now = snapshot(clean), snapshot(site)
        for name, value in made.items():
            assert now.get(name) == value, name  # every file, whole and not a link
        # A file under the temporary name is cleared when a stopped build's mark says there
        # may be some; one planted without it can stay, as any file chronoline did not write.
        assert staged(now) <= staged(before)
        assert BUILDING not in now
    else:
        assert err and all(CLEAR.fullmatch(line) for line in err.splitlines()), err
        # Left as it was, but for files a stopped build had left half-written.
        kept = {name: value for name, value in files_only(before).items()
                if not Path(name).name.startswith(TEMPORARY)}
        assert {name: value for name, value in files_only(snapshot(site)).items()
                if not Path(name).name.startswith(TEMPORARY)} == kept
