"""The library leaves the garbage collector as its caller set it; only the `chronoline` command
tunes it, for its own process."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from generator.build import BuildOptions, build
from generator.workers import PARALLEL_FROM

from conftest import Running, event_file


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """Whatever the code under test did to the collector is undone for the tests that follow."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()
    else:
        gc.disable()


def many_events(root: Path, count: int = PARALLEL_FROM) -> Path:
    """A site with enough events to be parsed by worker processes and cached."""
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text('title = "T"\n', encoding="utf-8")
    for number in range(count):
        (root / "content" / f"e{number:04}.md").write_text(
            event_file(f"Event {number}", f"2001-01-{number % 28 + 1:02}"), encoding="utf-8")
    return root


@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_leaves_the_collector_as_it_was(tmp_path, enabled):
    root = many_events(tmp_path / "s")
    gc.unfreeze()
    if not enabled:
        gc.disable()
    thresholds = gc.get_threshold()
    # Cold (every file parsed), warm (the cache read back) and one edit.
    for edit in (None, None, "Edited"):
        if edit:
            (root / "content" / "e0001.md").write_text(event_file(edit), encoding="utf-8")
        build(BuildOptions(root=root))
        assert gc.get_freeze_count() == 0
        assert gc.isenabled() is enabled
        assert gc.get_threshold() == thresholds
    assert "Edited" in (root / "site" / "events" / "e0001" / "index.html").read_text("utf-8")


def test_a_callers_objects_are_not_frozen(tmp_path):
    root = many_events(tmp_path / "s")
    gc.unfreeze()

    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    build(BuildOptions(root=root))
    del cycle
    gc.collect()
    assert gone() is None


def environments() -> int:
    """How many Jinja environments this process keeps alive, once the collector has run."""
    gc.collect()
    return sum(isinstance(thing, jinja2.Environment) for thing in gc.get_objects())


def test_a_long_running_server_frees_the_environments_of_old_layouts(tmp_path):
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(event_file("A"), encoding="utf-8")
    layout = root / "layouts" / "event.html"
    layout.parent.mkdir()
    gc.unfreeze()
    with Running(root) as running:
        alive = []  # after each edit of the layout, each making a new environment
        for number in range(4):
            mark = len(running.lines)
            layout.write_text("{% extends 'base.html' %}{% block main %}Layout "
                              f"{number}{{% endblock %}}\n", encoding="utf-8")
            running.wait_for_line("layouts/event.html changed", after=mark)
            alive.append(environments())
            assert gc.get_freeze_count() == 0, "frozen, old environments would never be freed"
        assert "Layout 3" in (running.dev.folder / "events" / "a" / "index.html").read_text()
    assert alive[1:] == alive[:1] * 3, "the Jinja environments of old layouts are still alive"
