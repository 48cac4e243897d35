"""Nothing outside the output folder is ever written, read to compare or deleted, whatever the
folder holds; every stop of a build leaves a whole site; two builds of one folder take turns."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.cli import main
from generator.output import PAUSE_AFTER_RENAME, write_changes
from generator.outputfiles import TEMPORARY, make_folders
from generator.outputfolder import BUILDING, MANIFEST, OutputError, unsafe_entry

from conftest import event_file

LINK_REFUSED = ("is a symbolic link, and chronoline writes nothing through a link inside the "
                "output folder; remove the link and build again")


def three_events(make_site) -> Path:
    return make_site({f"content/e{n}.md": event_file(f"E{n}", f"201{n}-01-01", tags="[t0]")
                      for n in range(3)})


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, links not followed (a link counts as one)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def edit(root: Path, n: int = 0, title: str = "Edited") -> None:
    path = root / "content" / f"e{n}.md"
    path.write_text(event_file(title, f"201{n}-01-01", tags="[t0]"), encoding="utf-8")


def build_cli(root: Path, capsys, *args: str) -> tuple[int, str]:
    status = main(["build", "--quiet", "--source", str(root), *args])
    return status, capsys.readouterr().err


def clean_build_of(root: Path, tmp_path: Path) -> dict[str, bytes]:
    clean = tmp_path / "clean"
    build(BuildOptions(root=root, output=clean, clean=True))
    return contents(clean)


# 1. The manifest


def test_manifest_entries_outside_the_output_folder_are_refused(make_site, tmp_path, capsys):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    build(BuildOptions(root=root))
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("mine too", encoding="utf-8")
    lines = (site / MANIFEST).read_text(encoding="utf-8").splitlines()
    bad = ["../../victim.txt", "../chronoline.toml", str(elsewhere), "a/./b", "a//b", "c\\d",
           "./index.html"]
    (site / MANIFEST).write_text("\n".join(lines + bad) + "\n", encoding="utf-8")
    edit(root)
    status, err = build_cli(root, capsys)
    assert status == 1
    expected = [f"{site / MANIFEST}:{len(lines) + n}: {line!r} is not a path inside {site}, so "
                "it is not a file chronoline wrote there; delete this line and build again"
                for n, line in enumerate(bad, 1)]
    assert err.splitlines() == [*expected, f"Build failed: 7 problems; {site} was left as it was."]
    assert victim.read_text(encoding="utf-8") == "mine"
    assert elsewhere.read_text(encoding="utf-8") == "mine too"
    assert (root / "chronoline.toml").is_file()
    assert not any(p.name.startswith(TEMPORARY) for p in site.rglob("*"))
    # Once the lines are gone, the build goes on and removes nothing of the user's.
    (site / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build_cli(root, capsys) == (0, "")
    assert contents(site) == clean_build_of(root, tmp_path)


@pytest.mark.parametrize("path", ["", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", "a/",
                                  "a\\b", "a\0b", ".", ".."])
def test_unsafe_entries(path):
    assert unsafe_entry(path)


@pytest.mark.parametrize("path", ["index.html", ".nojekyll", "events/e0/index.html", "a..b/c"])
def test_safe_entries(path):
    assert not unsafe_entry(path)


def test_a_manifest_entry_under_a_planted_link_deletes_nothing_outside(make_site, tmp_path,
                                                                       capsys):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    (site / "linked").symlink_to(outside)
    with (site / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("linked/keep.txt\n")
    status, err = build_cli(root, capsys)
    assert status == 1
    assert err == f"chronoline build: {site / 'linked'}: {LINK_REFUSED}\n"
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"


# 2. Links planted inside the output folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_planted_folder_link_is_never_written_through(make_site, tmp_path, capsys, jobs):
    files = {f"content/e{n}.md": event_file(f"E{n}", f"{2000 + n % 20}-01-01", tags="[t0]")
             for n in range(250 if jobs == 2 else 3)}
    root = make_site(files)
    site = root / "site"
    build(BuildOptions(root=root, jobs=jobs))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for page in (site / "tags" / "t0").iterdir():
        page.unlink()
    (site / "tags" / "t0").rmdir()
    (site / "tags" / "t0").symlink_to(elsewhere)
    before = contents(site)
    edit(root)
    with pytest.raises(OutputError) as raised:
        build(BuildOptions(root=root, jobs=jobs))
    assert str(raised.value) == f"{site / 'tags' / 't0'}: {LINK_REFUSED}"
    assert list(elsewhere.iterdir()) == []
    assert contents(site) == before
    # --clean too: the folders are checked before any page is staged.
    with pytest.raises(OutputError):
        build(BuildOptions(root=root, jobs=jobs, clean=True))
    assert list(elsewhere.iterdir()) == []
    assert contents(site) == before
    (site / "tags" / "t0").unlink()
    build(BuildOptions(root=root, jobs=jobs))
    assert contents(site) == clean_build_of(root, tmp_path)


def test_a_planted_file_link_is_replaced_not_followed(make_site, tmp_path):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("index.html", "events.json", "tags/index.html"):
        target = outside / name.replace("/", "-")
        target.write_bytes((site / name).read_bytes())  # the same bytes: compared, not kept
        (site / name).unlink()
        (site / name).symlink_to(target)
    before = contents(outside)
    edit(root)
    build(BuildOptions(root=root))
    assert contents(outside) == before
    for name in ("index.html", "events.json", "tags/index.html"):
        assert not (site / name).is_symlink()
    assert contents(site) == clean_build_of(root, tmp_path)


def test_planted_links_under_chronolines_own_names_are_not_followed(make_site, tmp_path):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    outside = tmp_path / "outside"
    outside.mkdir()
    # A staged page's name, the exports' and the mark's: links to files that do not exist yet.
    (site / "events" / "e0" / f"{TEMPORARY}index.html").symlink_to(outside / "page")
    (site / f"{TEMPORARY}events.json").symlink_to(outside / "export")
    (site / BUILDING).symlink_to(outside / "mark")
    edit(root)
    build(BuildOptions(root=root))
    assert list(outside.iterdir()) == []
    assert contents(site) == clean_build_of(root, tmp_path)


def test_the_dev_servers_folder_is_not_written_through_a_link(tmp_path):
    folder, outside = tmp_path / "dev", tmp_path / "outside"
    outside.mkdir()
    write_changes({"a/index.html": b"A"}, {}, folder)
    (folder / "b").symlink_to(outside)
    with pytest.raises(OutputError, match=re.escape(f"{folder / 'b'}: {LINK_REFUSED}")):
        write_changes({"b/index.html": b"B"}, {}, folder)
    assert list(outside.iterdir()) == []


def test_a_linked_cache_folder_is_not_written_through(make_site, tmp_path, caplog):
    root = three_events(make_site)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".chronoline-cache").symlink_to(outside)
    build(BuildOptions(root=root))
    assert list(outside.iterdir()) == []
    assert "is a symbolic link, so the build cache is not used; remove it" in caplog.text


# 3. Stopping a build while its files are moved into place


def start_paused(root: Path, control: Path, *args: str) -> subprocess.Popen:
    """`chronoline build` in a process of its own that stops right after the first file it
    renames into place, until `go` is opened; returns once it is there."""
    control.mkdir(exist_ok=True)
    for name in ("ready", "go"):
        if not (control / name).exists():
            os.mkfifo(control / name)
    env = {**os.environ, PAUSE_AFTER_RENAME: str(control)}
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet",
                                "--source", str(root), *args],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said: list[bytes] = []
    reader = threading.Thread(target=lambda: said.append((control / "ready").read_bytes()),
                              daemon=True)
    reader.start()
    reader.join(timeout=120)
    if not said:  # it ended, or hangs, without getting there: free the reader, then fail
        with_writer(control / "ready")
        process.kill()
        _out, err = process.communicate()
        pytest.fail(f"the build never paused after its first rename: {err}")
    return process


def with_writer(fifo: Path) -> None:
    """Open and close `fifo` for writing, which ends a reader's wait."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # no reader is waiting


def resume(control: Path) -> None:
    with open(control / "go", "wb"):
        pass


@pytest.fixture
def processes():
    """Processes a test starts, killed at its end, however it ends."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def edited_site(make_site) -> Path:
    root = make_site({f"content/e{n}.md": event_file(f"E{n}", f"{2000 + n}-01-01", tags="[t0]")
                      for n in range(20)})
    build(BuildOptions(root=root))
    for n in range(0, 20, 2):  # many files to rename: every other event and the lists
        (root / "content" / f"e{n}.md").write_text(
            event_file(f"E{n} edited", f"{2000 + n}-01-01", tags="[t1]"), encoding="utf-8")
    (root / "content" / "e19.md").unlink()  # and stale files to remove
    return root


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_once_files_are_moved_into_place_waits_for_the_move(make_site, tmp_path, stop,
                                                                  processes):
    root = edited_site(make_site)
    process = start_paused(root, tmp_path / "control")
    processes.append(process)
    process.send_signal(stop)
    resume(tmp_path / "control")
    _out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (130, "Stopped.\n")
    site = contents(root / "site")
    assert BUILDING not in site
    assert site == clean_build_of(root, tmp_path)  # whole: nothing old, nothing stale


def test_a_build_killed_while_moving_files_into_place_is_repaired_by_the_next(
        make_site, tmp_path, processes):
    root = edited_site(make_site)
    process = start_paused(root, tmp_path / "control")
    processes.append(process)
    process.kill()
    process.communicate(timeout=120)
    assert (root / "site" / BUILDING).exists()  # the mark stays: the site is half moved
    assert any(p.name.startswith(TEMPORARY) for p in (root / "site").rglob("*"))
    build(BuildOptions(root=root))
    assert contents(root / "site") == clean_build_of(root, tmp_path)


# 4. Two builds of one folder


def test_a_second_build_waits_for_the_first(make_site, tmp_path, processes):
    root = edited_site(make_site)
    first = start_paused(root, tmp_path / "control")
    processes.append(first)
    second = subprocess.Popen([sys.executable, "-m", "generator", "build", "--source", str(root)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes.append(second)
    # It says so at once, and then waits: reading the line waits on the process, not a clock.
    assert second.stderr.readline() == f"waiting for another build of {root / 'site'} to finish\n"
    assert second.poll() is None
    resume(tmp_path / "control")
    assert first.communicate(timeout=120) == ("", "")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert re.fullmatch(r"Built 19 events, \d+ pages: 0 files written, 0 removed in \d+ ms\n", out)
    assert contents(root / "site") == clean_build_of(root, tmp_path)


def test_no_wait_stops_a_second_build_at_once(make_site, tmp_path, processes):
    root = edited_site(make_site)
    first = start_paused(root, tmp_path / "control")
    processes.append(first)
    second = subprocess.run([sys.executable, "-m", "generator", "build", "--no-wait",
                             "--source", str(root)], capture_output=True, text=True, timeout=120)
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr == (f"chronoline build: {root / 'site'}: another build is writing this "
                             "folder; wait for it to finish, or build without --no-wait\n")
    resume(tmp_path / "control")
    assert first.communicate(timeout=120) == ("", "")
    assert contents(root / "site") == clean_build_of(root, tmp_path)


def test_two_builds_at_once_leave_a_whole_site(make_site, tmp_path, processes):
    root = make_site({f"content/e{n:03d}.md": event_file(f"E{n}", f"{2000 + n % 20}-01-01")
                      for n in range(250)})
    command = [sys.executable, "-m", "generator", "build", "--quiet", "--source", str(root)]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    processes.extend(both)
    for process in both:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert err in ("", f"waiting for another build of {root / 'site'} to finish\n")
    assert contents(root / "site") == clean_build_of(root, tmp_path)


# 5. Errors that name the file


class FullDisk(io.RawIOBase):
    """A file being written on a full disk: each write fails as the system's does, naming no
    file."""

    def __init__(self, file) -> None:
        self._file = file

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self._file.close()
        super().close()


def test_a_full_disk_names_the_file_being_written(make_site, tmp_path, capsys, monkeypatch):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    before = contents(site)
    edit(root)
    real_open = builtins.open

    def full(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        name = os.readlink(f"/proc/self/fd/{opened.fileno()}")
        if "w" in mode and name.startswith(f"{site}/"):
            return FullDisk(opened)
        return opened

    monkeypatch.setattr(builtins, "open", full)
    monkeypatch.setattr(io, "open", full)
    status, err = build_cli(root, capsys)
    monkeypatch.undo()
    assert status == 1
    named = re.fullmatch(r"chronoline build: (.+): No space left on device\n", err)
    assert named, err
    assert named[1].startswith(f"{site}/") and TEMPORARY not in named[1]
    assert (site / named[1].removeprefix(f"{site}/")).is_file()  # a file of the site, by name
    assert contents(site) == before


def test_an_error_naming_no_file_names_the_output_folder(make_site, capsys, monkeypatch):
    root = three_events(make_site)

    def failing(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("generator.cli.build", failing)
    status, err = build_cli(root, capsys)
    assert (status, err) == (1, f"chronoline build: {root / 'site'}: Input/output error\n")


def test_an_asset_where_a_generated_folder_goes_names_both(make_site, capsys):
    root = make_site({"content/a.md": event_file("A", "2018-07-19", tags="[t0]"),
                      "content/2018": "not a folder",
                      "content/TAGS": "not a folder either",
                      "content/EVENTS/a/index.html": "<p>mine</p>",
                      "content/tags/t0/index.html/x.png": "png",
                      "content/index.html/y.png": "png",
                      "content/Notes.txt": "one", "content/notes.txt": "two"})
    status, err = build_cli(root, capsys)
    assert status == 1
    assert err.splitlines() == [
        "content/2018: is a file where the site has the folder 2018/ (for 2018/index.html); "
        "rename or move it",
        "content/EVENTS/a/index.html: would overwrite the generated events/a/index.html where "
        "letter case is ignored (macOS, Windows); rename or move it",
        "content/TAGS: is a file where the site has the folder tags/ (for tags/index.html); "
        "rename or move it",
        "content/index.html/y.png: needs a folder where the site has the file index.html; "
        "rename or move it",
        "content/notes.txt: would overwrite content/Notes.txt where letter case is ignored "
        "(macOS, Windows); rename or move it",
        "content/tags/t0/index.html/x.png: needs a folder where the site has the file "
        "tags/t0/index.html; rename or move it",
        f"Build failed: 6 problems; {root / 'site'} was left as it was."]
    assert not (root / "site").exists()



def test_a_folder_where_a_page_goes_is_named(make_site, capsys):
    root = three_events(make_site)
    site = root / "site"
    build(BuildOptions(root=root))
    (site / "index.html").unlink()
    (site / "index.html").mkdir()
    (site / "events" / "e1").rename(site / "events" / "moved")
    (site / "events" / "e1").write_text("a file where a folder goes", encoding="utf-8")
    before = contents(site)
    edit(root)
    status, err = build_cli(root, capsys)
    assert (status, err) == (1, f"chronoline build: {site / 'events' / 'e1'}: is a file where "
                                "chronoline writes the folder events/e1/; remove it and build "
                                "again\n")
    (site / "events" / "e1").unlink()
    status, err = build_cli(root, capsys)
    assert (status, err) == (1, f"chronoline build: {site / 'index.html'}: is a folder where "
                                "chronoline writes a file; remove it and build again\n")
    assert contents(site) == {name: value for name, value in before.items()
                              if name != "events/e1"}


def test_the_cache_writes_nothing_through_a_link_in_its_folder(make_site, tmp_path):
    root = three_events(make_site)
    build(BuildOptions(root=root))
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("index", "shard-00"):  # where this process writes them first
        (root / ".chronoline-cache" / f".{name}.{os.getpid()}").symlink_to(outside / name)
    edit(root)
    build(BuildOptions(root=root))
    assert list(outside.iterdir()) == []
    assert build(BuildOptions(root=root)).written == 0  # and the cache written is good


def test_export_positions_outside_the_file_are_not_read(tmp_path):
    from array import array

    from generator.exportformats import Export, Layout
    from generator.exportstaging import Previous, stage_export
    from generator.staging import staged_path

    old = tmp_path / "data.json"
    old.write_bytes(b"[old]")
    info = old.stat()
    made = []

    def maker(reuse):
        def parts():
            made.append("e0")
            yield b'"e0"' if reuse is None else reuse.get("x", None, lambda e: b'"e0"')
        return Export(b"[", parts(), b"]", b",")

    for start, size in ((-3, 2), (1, 10), (4, 5), (2**62, 1)):
        layout = Layout(array("q", [start]), array("q", [size]))
        written, _ = stage_export(maker, tmp_path, "data.json",
                                  Previous({b"d": 0}, layout, info.st_size, info.st_mtime_ns),
                                  {id(None): b"d"})
        assert written and staged_path(tmp_path, "data.json").read_bytes() == b'["e0"]'
    assert made == ["e0"] * 4


def test_a_folder_made_by_another_build_meanwhile_is_taken_as_there(tmp_path, monkeypatch):
    # The other build makes it between this one's look and its mkdir.
    target = tmp_path / "site" / "events"
    real_mkdir = Path.mkdir

    def raced(self, *args, **kwargs):
        real_mkdir(self)
        raise FileExistsError(17, "File exists", str(self))

    monkeypatch.setattr(Path, "mkdir", raced)
    made: list[Path] = []
    make_folders(target, made)
    assert target.is_dir() and made == []  # not this build's to remove
