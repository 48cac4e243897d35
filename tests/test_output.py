"""Writing the site: only what changed, nothing stale, the old site kept when writing fails."""

import pickle
from pathlib import Path

import pytest

from generator.output import KEEP, write_site
from generator.outputfiles import TEMPORARY
from generator.outputfolder import MANIFEST, OutputError
from generator.staging import STAGED

from conftest import site_files


def test_first_write_creates_the_folder(tmp_path):
    out = tmp_path / "site"
    report = write_site({".nojekyll": b"", "a/index.html": b"A"}, out)
    assert (report.written, report.removed) == (2, 0)
    assert (out / "a" / "index.html").read_bytes() == b"A"


def test_unchanged_files_keep_inode_and_timestamp(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A", "b.html": b"B"}, out)
    before = site_files(out)
    report = write_site({"a.html": b"A", "b.html": b"B2"}, out)
    after = site_files(out)
    assert report.written == 1
    assert after["a.html"] == before["a.html"]
    assert after["b.html"] != before["b.html"]


def test_stale_files_are_removed(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A", "old/b.html": b"B"}, out)
    report = write_site({"a.html": b"A"}, out)
    assert report.removed == 1 and not (out / "old" / "b.html").exists()


def test_copied_files_compare_by_content(tmp_path):
    image = tmp_path / "dot.png"
    image.write_bytes(b"png")
    out = tmp_path / "site"
    write_site({"dot.png": image}, out)
    assert write_site({"dot.png": image}, out).written == 0
    image.write_bytes(b"gif")
    assert write_site({"dot.png": image}, out).written == 1
    assert (out / "dot.png").read_bytes() == b"gif"


def test_a_failure_while_writing_leaves_the_old_site(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A"}, out)
    before = site_files(out)
    with pytest.raises(OSError):
        write_site({"a.html": b"A2", "b.png": Path(tmp_path / "missing.png")}, out)
    assert site_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_the_user_put_in_the_output_folder_stay(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A", "old.html": b"O"}, out)
    (out / "CNAME").write_text("timeline.example.org\n")
    report = write_site({"a.html": b"A2"}, out)
    assert (report.written, report.removed) == (1, 1)
    assert (out / "CNAME").read_text() == "timeline.example.org\n"
    assert not (out / "old.html").exists()
    assert (out / MANIFEST).read_text() == "a.html\n"


def test_a_file_left_half_written_by_a_killed_build_is_cleared(tmp_path):
    out = tmp_path / "site"
    write_site({"a/b.html": b"B"}, out)
    (out / "a" / f"{TEMPORARY}b.html").write_bytes(b"half")
    assert write_site({"a/b.html": b"B"}, out).written == 0
    assert sorted(p.name for p in (out / "a").iterdir()) == ["b.html"]


def test_a_kept_file_that_went_missing_is_a_clear_error(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A", "b.html": b"B"}, out)
    (out / "b.html").unlink()
    with pytest.raises(OutputError, match="b.html: was removed while the site was being built"):
        write_site({"a.html": KEEP, "b.html": KEEP}, out)


def test_a_tidy_write_still_removes_what_is_no_longer_made_and_writes_what_is_missing(tmp_path):
    out = tmp_path / "site"
    write_site({"a.html": b"A", "old.html": b"O", "gone.html": b"G", "b.html": b"B"}, out)
    (out / "gone.html").unlink()  # by the user
    (out / "b.html").unlink()
    report = write_site({"a.html": KEEP, "b.html": b"B", "c/d.html": b"D"}, out, tidy=True)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MANIFEST, "a.html", "b.html", "c/d.html"]
    assert (report.written, report.removed) == (2, 1)


def test_the_markers_stay_one_object_each_through_a_worker_process():
    for marker in (KEEP, STAGED):
        assert pickle.loads(pickle.dumps(marker)) is marker  # write_site compares with `is`
