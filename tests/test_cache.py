"""The build cache on disk: used when it can be trusted, ignored when it cannot, never in site/."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from dataclasses import fields, is_dataclass, make_dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import CONFIGS, apply, operations, write_event

import generator
import generator.incremental.cache as cache_module
from generator.build import BuildOptions, build
from generator.dates import PartialDate
from generator.discover import UNSETTLED
from generator.errors import BuildFailed
from generator.exportformats import Layout
from generator.incremental.cache import (
    CACHE_DIR,
    INDEX,
    MAGIC,
    Cache,
    Entry,
    Index,
    fingerprint,
    load,
    pickled_classes,
    save,
    shard_of,
)
from generator.incremental.keys import flat_key
from generator.model import Background, Event, Media, Source, Tag

from conftest import build_site, event_file, read_html, site_files


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / INDEX


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_cache_lives_beside_content_not_in_the_output(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    assert cache_file(root).is_file()
    assert not any(CACHE_DIR in p.as_posix() for p in (root / "site").rglob("*"))


def age(root: Path) -> None:
    """Date every source file under `root` changed in the last seconds into the past, each to a time
    of its own: files changed lately are compared by content, older ones by timestamp."""
    global _AGED
    now = time.time_ns()
    sources = [*root.glob("content/**/*"), *root.glob("layouts/**/*"), *root.glob("*.toml")]
    for path in sorted(sources):
        if path.is_file() and path.stat().st_mtime_ns > now - 3 * 10**9:
            _AGED += 1
            then = now - 60 * 10**9 + _AGED * 10**6
            os.utime(path, ns=(then, then))


_AGED = 0


def test_the_cache_is_used_and_clean_builds_without_it(make_site):
    root = make_site({"content/a.md": event_file("The real title")})
    age(root)
    build_site(root)
    cache = load(root)
    digest = cache.index.event_files["content/a.md"]
    entry = cache.entries()[digest]
    doctored = Entry(replace(entry.event, title="What the cache says"), entry.items)
    cache.index.outputs = {}
    save(root, cache.index, {shard_of(digest): {digest: doctored}})
    build_site(root)
    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.h1.get_text() == "What the cache says", "an unchanged file is not read again"
    build_site(root, clean=True)
    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.h1.get_text() == "The real title"


def test_nothing_changed_means_the_events_are_not_even_read(make_site):
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B")})
    age(root)
    first = build_site(root)
    before = site_files(root / "site")
    for shard in (root / CACHE_DIR).glob("shard-*"):  # the events' part: unusable now
        damage(shard, at=-10)
    report = build_site(root)
    assert (report.events, report.pages, report.written) == (2, first.pages, 0)
    assert site_files(root / "site") == before
    (root / "content" / "a.md").write_text(event_file("A2"), encoding="utf-8")
    build_site(root)  # needs the events: reads them all again, the cache being unusable
    assert read_html(root / "site" / "events" / "a" / "index.html").h1.get_text() == "A2"


def test_one_edit_rewrites_only_the_shards_of_that_event(make_site):
    root = make_site({f"content/e{n}.md": event_file(f"E{n}", f"20{n:02d}") for n in range(40)})
    age(root)
    build_site(root)
    before = load(root).index
    shards = {p.name: p.stat().st_ino for p in (root / CACHE_DIR).glob("shard-*")}
    assert len(shards) > 10
    (root / "content" / "e7.md").write_text(event_file("E7 again", "2007"), encoding="utf-8")
    build_site(root)
    after = load(root).index
    rewritten = {name for name, inode in shards.items()
                 if (root / CACHE_DIR / name).stat().st_ino != inode}
    old, new = before.event_files["content/e7.md"], after.event_files["content/e7.md"]
    assert rewritten <= {f"shard-{shard_of(old):02x}", f"shard-{shard_of(new):02x}"}
    assert after.shards.keys() - {shard_of(new)} == before.shards.keys() - {shard_of(old)}
    assert load(root).entries()[new].event.title == "E7 again"


def damage(path: Path, at: int) -> None:
    blob = bytearray(path.read_bytes())
    blob[at] ^= 0xFF
    path.write_bytes(bytes(blob))


def test_an_unreadable_cache_or_one_from_another_version_is_ignored(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    expected = tree(root / "site")
    good = cache_file(root).read_bytes()
    header = good[:good.index(b"\n", len(MAGIC)) + 1]
    for blob in (b"not a cache", MAGIC + b"0.0.0/1/3.0\n" + good[len(header):], good[:-5],
                 good[:100], good[:len(header) + 3] + b"x" + good[len(header) + 4:]):
        cache_file(root).write_bytes(blob)
        shutil.rmtree(root / "site")
        build_site(root)
        assert tree(root / "site") == expected
    (shard,) = (root / CACHE_DIR).glob("shard-*")
    for blob in (b"", shard.read_bytes()[:-1], b"x" + shard.read_bytes()[1:]):
        build_site(root, clean=True)  # a good index again
        shard.write_bytes(blob)
        shutil.rmtree(root / "site")
        build_site(root)
        assert tree(root / "site") == expected


def test_a_cache_signed_by_anyone_else_is_never_unpickled(make_site, tmp_path, monkeypatch):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    expected = tree(root / "site")
    # A cache that came with a clone: signed with another user's key, and its data would run
    # code when unpickled.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    marker = tmp_path / "code-ran"
    save(root, Evil(marker), {0: Evil(marker)})
    monkeypatch.undo()
    assert load(root) is None
    shutil.rmtree(root / "site")
    build_site(root)
    assert tree(root / "site") == expected
    # A good index, and a shard slipped in beside it.
    for shard in (root / CACHE_DIR).glob("shard-*"):
        shard.write_bytes(pickle.dumps({b"x": Evil(marker)}))
    (root / "content" / "a.md").write_text(event_file("A", body="Edited."), encoding="utf-8")
    build_site(root)
    assert "Edited." in (root / "site" / "events" / "a" / "index.html").read_text()
    assert not marker.exists()


class Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker
        self.shards: dict = {}  # what save() fills in, as in an index

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.marker,))


def test_a_warm_build_writes_nothing_and_an_edit_only_what_shows_it(make_site):
    root = make_site({f"content/e{n}.md": event_file(f"E{n}", f"201{n}") for n in range(4)},
                     config='title = "T"\nsearch = false\n')  # the index: see test_search.py
    build_site(root)
    before = site_files(root / "site")
    assert build_site(root).written == 0
    assert site_files(root / "site") == before
    (root / "content" / "e3.md").write_text(event_file("E3 again", "2013"), encoding="utf-8")
    report = build_site(root)
    after = site_files(root / "site")
    assert sorted(p for p in after if after[p] != before[p]) == [
        "2013/index.html", "embed/index.html", "events.ics", "events.json",
        "events/e2/index.html", "events/e3/index.html", "index.html", "timeline.json"]
    assert report.written == 8


def test_a_file_changed_in_the_output_folder_is_made_again(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    page = root / "site" / "events" / "a" / "index.html"
    original = page.read_bytes()
    page.write_text("tampered", encoding="utf-8")
    build_site(root)
    assert page.read_bytes() == original


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=6))
def test_cached_builds_match_clean_builds(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("cached")
    (root / "content").mkdir()
    (root / "chronoline.toml").write_text(CONFIGS[0], encoding="utf-8")
    write_event(root, 0, "2018", ["uk"], "First.")
    build(BuildOptions(root=root))
    for step, aged in steps:
        apply(root, step)
        if aged:  # else the files are compared by content, having just been written
            age(root)
        clean = root.parent / (root.name + "-clean")
        try:  # a step may break the site: then both builds fail, with the same errors
            build(BuildOptions(root=root))
        except BuildFailed as failure:
            cached_error = str(failure)
        else:
            cached_error = None
        try:
            build(BuildOptions(root=root, output=clean, clean=True))
        except BuildFailed as failure:
            assert cached_error == str(failure)
            continue
        assert cached_error is None
        assert tree(root / "site") == tree(clean)
        shutil.rmtree(clean)


def test_a_key_that_others_can_read_is_not_trusted(make_site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    secret = tmp_path / "user-cache" / "chronoline" / "secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert load(root) is not None
    secret.chmod(0o644)
    assert load(root) is None, "anyone who can read the key could sign a cache"
    (root / "content" / "a.md").write_text(event_file("A2"), encoding="utf-8")
    build_site(root)
    assert read_html(root / "site" / "events" / "a" / "index.html").h1.get_text() == "A2"


def test_a_flat_key_tells_apart_what_shows_differently():
    first, second = object(), object()
    digests = {id(first): b"1" * 16, id(second): b"2" * 16}
    keys = [flat_key(texts, events, digests) for texts, events in [
        (("ab", "c"), (first,)), (("a", "bc"), (first,)), (("a", None), (first,)),
        (("a", ""), (first,)), (("a", "None"), (first,)), (("a", "b"), (first, None)),
        (("a", "b"), (None, first)), (("a", "b"), (second, None)), (("a", "b", None), ())]]
    assert len(set(keys)) == len(keys)
    assert flat_key(("ab", "c"), (first,), dict(digests)) == keys[0]


@pytest.mark.parametrize("kind", [Event, Source, Tag, Media, Background, PartialDate])
def test_the_models_classes_keep_every_field_through_pickling(kind):
    # Each gives its state as a tuple written out by hand: one left out or out of order
    # would come back wrong from the cache and from worker processes.
    values = {item.name: f"{item.name}-value" for item in fields(kind)}
    thing = pickle.loads(pickle.dumps(kind(**values), protocol=pickle.HIGHEST_PROTOCOL))
    assert {name: getattr(thing, name) for name in values} == values


def test_files_just_saved_are_told_unchanged_by_their_content(make_site, monkeypatch):
    # Written a moment ago, the files have timestamps that a quick second save could share:
    # the build after next tells them unchanged by what they hold, without the events.
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B")})
    for path in (root / "content").iterdir():
        os.utime(path)  # now: too recent for the build to trust their timestamps
    build_site(root)
    assert UNSETTLED in load(root).index.sources.values()
    read = []
    real = Cache.entries
    monkeypatch.setattr(Cache, "entries", lambda cache: read.append(1) or real(cache))
    assert build_site(root).written == 0
    assert read == [], "nothing changed: the events were not needed"
    (root / "content" / "a.md").write_text(event_file("A, saved again"), encoding="utf-8")
    build_site(root)
    assert read == [1]
    page = read_html(root / "site" / "events" / "a" / "index.html")
    assert page.h1.get_text() == "A, saved again"


def shaped(spec: list, name: str = "Thing", **namespace: object) -> type:
    """A dataclass named `name` in the same module whatever its fields, as a model class is
    from one version of chronoline to the next."""
    kind = make_dataclass(name, spec, frozen=True, namespace=namespace)
    kind.__module__, kind.__qualname__ = "shapes", name
    return kind


def test_any_change_to_a_pickled_classs_fields_changes_the_fingerprint():
    base = [("title", str), ("year", int)]
    changed = {
        "a field added": shaped([*base, ("era", str)]),
        "a field removed": shaped(base[:1]),
        "a field renamed": shaped([("name", str), ("year", int)]),
        "the fields reordered": shaped(base[::-1]),
        "a field's type changed": shaped([("title", str), ("year", str)]),
        "the class renamed": shaped(base, "Other"),
        "its state read in another order": shaped(
            base, __getstate__=lambda self: (self.year, self.title)),
    }
    same = fingerprint((shaped(base),))
    assert fingerprint((shaped(list(base)),)) == same, "the fingerprint is not the same twice"
    prints = {how: fingerprint((kind,)) for how, kind in changed.items()}
    assert same not in prints.values()
    assert len(set(prints.values())) == len(prints)
    # A class reached through a field's type counts as much as the one named.
    inner, changed_inner = shaped(base, "Inner"), shaped([*base, ("era", str)], "Inner")
    outer = [("inner", inner | None), ("others", tuple[inner, ...])]
    assert fingerprint((shaped(outer, "Outer"),)) != fingerprint((shaped(
        [("inner", changed_inner | None), ("others", tuple[changed_inner, ...])], "Outer"),))


def test_the_fingerprint_covers_every_class_the_cache_holds(make_site):
    root = make_site({"content/a.md": event_file(
        "A", "2018-07-19", end="2018-08", tags="[UK]", media="{url: https://a.example/p.jpg}",
        background="{color: '#123456'}",
        sources="[{url: 'https://a.example/r', date: 2018-07-19}]")})
    build_site(root)
    cache = load(root)
    held: set[type] = set()
    collect_classes(held, (cache.index, cache.entries()))
    assert {Event, PartialDate, Tag, Source, Media, Background, Layout} <= held
    assert held <= set(pickled_classes((Index, Entry)))


def collect_classes(held: set[type], value: object) -> None:
    """Every class of chronoline in `value`, however deep."""
    if type(value).__module__.startswith("generator."):
        held.add(type(value))
    if is_dataclass(value):
        for item in fields(value):
            collect_classes(held, getattr(value, item.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            collect_classes(held, item)
    elif isinstance(value, dict):
        for item in value.items():
            collect_classes(held, item)


MODEL_CHANGES = {
    "a field added": [('    lane: str = ""', '    lane: str = ""\n    era: str = ""'),
                      ("self.kind, self.lane)", "self.kind, self.lane, self.era)")],
    "two fields swapped": [("    summary_html: str\n    body_html: str\n",
                            "    body_html: str\n    summary_html: str\n"),
                           ("self.summary_html,\n                self.body_html,",
                            "self.body_html,\n                self.summary_html,")],
}


@pytest.mark.parametrize("change", MODEL_CHANGES)
def test_a_cache_written_before_a_model_class_changed_is_ignored(make_site, tmp_path, change):
    root = make_site({"content/a.md": event_file("A", body="The summary.\n\nThe rest."),
                      "content/b.md": event_file("B", "2019")})
    age(root)
    build_site(root)
    # This same chronoline, but for one change to the fields of its events.
    copy = tmp_path / "changed"
    shutil.copytree(Path(generator.__file__).parent, copy / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    model = copy / "generator" / "model.py"
    text = model.read_text(encoding="utf-8")
    for old, new in MODEL_CHANGES[change]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    model.write_text(text, encoding="utf-8")
    (root / "content" / "b.md").write_text(event_file("B again", "2019"), encoding="utf-8")
    script = ("import sys; from pathlib import Path; import generator.build as b;"
              " import generator.incremental.cache as c;"
              " assert b.__file__.startswith(sys.argv[2]), b.__file__;"
              " print(c.load(Path(sys.argv[1])) is None);"
              " b.build(b.BuildOptions(root=Path(sys.argv[1])))")
    done = subprocess.run([sys.executable, "-c", script, str(root), str(copy)], cwd=copy,
                          env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout == "True\n", "the cache of the classes before the change was ignored"
    assert load(root) is None, "and the other way round"
    build_site(root, output=tmp_path / "clean", clean=True)
    assert tree(root / "site") == tree(tmp_path / "clean")


def signed(blob: bytes, prefix: bytes) -> bytes:
    """`blob` signed with this user's key, as chronoline signs what it writes."""
    return cache_module._sign(cache_module._secret(), prefix, blob)


def foreign_pickles() -> dict[str, bytes]:
    """Pickles that unpickling cannot read, as those of another version of chronoline."""
    return {"a class no longer there": b"cgenerator.model\nGone\n.",
            "a module no longer there": b"cgenerator.gone\nThing\n.",
            "not a pickle": b"\xff\x00 what else",
            "cut short": pickle.dumps({b"x": "y" * 40}, protocol=pickle.HIGHEST_PROTOCOL)[:-9]}


@pytest.mark.parametrize("kind", foreign_pickles())
def test_a_cache_of_another_format_signed_with_the_users_key_is_ignored(make_site, kind):
    # What an older chronoline of the same user could leave: signed with the user's own key.
    root = make_site({"content/a.md": event_file("A"), "content/b.md": event_file("B", "2019")})
    build_site(root)
    expected = tree(root / "site")
    blob, index = foreign_pickles()[kind], cache_file(root)
    header = index.read_bytes()[:index.read_bytes().index(b"\n", len(MAGIC)) + 1]
    index.write_bytes(header + signed(blob, header) + blob)
    shutil.rmtree(root / "site")
    build_site(root)
    assert tree(root / "site") == expected
    # The same as a shard, named by a good index.
    cache = load(root)
    number = next(iter(cache.index.shards))
    (root / CACHE_DIR / f"shard-{number:02x}").write_bytes(blob)
    cache.index.shards[number] = signed(blob, f"shard-{number:02x}".encode())
    cache.index.outputs = {}
    save(root, cache.index, {})
    assert load(root).entries() is None
    shutil.rmtree(root / "site")
    build_site(root)
    assert tree(root / "site") == expected


def test_a_cache_of_classes_of_another_shape_is_ignored_though_signed(make_site):
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    expected = tree(root / "site")
    good = cache_file(root).read_bytes()
    header = good[:good.index(b"\n", len(MAGIC)) + 1]
    other = header[:-33] + b"0" * 32 + b"\n"  # the fingerprint of other classes
    assert other != header and len(other) == len(header)
    body = good[len(header) + 32:]
    cache_file(root).write_bytes(other + signed(body, other) + body)
    assert load(root) is None
    shutil.rmtree(root / "site")
    build_site(root)
    assert tree(root / "site") == expected


@pytest.mark.parametrize(("name", "error"), [
    ("_sign", TypeError), ("_shard_name", KeyError), ("Cache", AttributeError),
    ("Index", TypeError)])  # isinstance() given a function
def test_a_bug_in_the_cache_code_stops_the_build(make_site, monkeypatch, name, error):
    # Were it caught with the errors of a damaged cache, the cache would just be off, and no
    # test would tell.
    root = make_site({"content/a.md": event_file("A")})
    build_site(root)
    (root / "content" / "a.md").write_text(event_file("A again"), encoding="utf-8")

    def broken(*args: object) -> None:
        raise error("a bug")

    monkeypatch.setattr(cache_module, name, broken)
    with pytest.raises(error):
        load(root).entries()
    with pytest.raises(error):
        build_site(root)
