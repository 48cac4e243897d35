"""Drafts marked wherever a build with --drafts shows them and counted when left out; the
placeholder text of `chronoline new`; tags that differ only in digits; --strict's warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import load_config
from generator.new import PLACEHOLDER, new_event

from conftest import build_site, event_file, read_html

SOURCED = "[{url: 'https://example.org/a', title: T, publisher: P}]"
MARK = "Draft, not published"


def drafts_site(make_site, config: str = 'title = "Test timeline"\n') -> Path:
    return make_site({
        "content/published.md": event_file("Published", "2018-07-19", tags="[uk]",
                                           sources=SOURCED),
        "content/secret.md": event_file("Secret plan", "2018-08-01", tags="[uk]",
                                        sources=SOURCED, draft="true"),
    }, config=config)


def article(page: Path, slug: str):
    found = read_html(page).find(id=f"event-{slug}")
    assert found is not None, f"{slug} is not on {page}"
    return found


def pages_listing_both(site: Path) -> list[Path]:
    return [site / "index.html", site / "2018" / "index.html",
            site / "tags" / "uk" / "index.html", site / "embed" / "index.html"]


def test_a_draft_is_marked_on_every_page_that_shows_it(make_site):
    root = drafts_site(make_site)
    build_site(root, drafts=True)
    site = root / "site"
    for page in pages_listing_both(site):
        draft, published = article(page, "secret"), article(page, "published")
        assert draft.select_one(".draft-mark").get_text(strip=True) == MARK, page
        assert "draft" in draft["class"], page
        assert published.select_one(".draft-mark") is None, page
        assert "draft" not in published["class"], page
    own = read_html(site / "events" / "secret" / "index.html")
    assert own.select_one("article.event-page.draft .draft-mark").get_text(strip=True) == MARK
    assert own.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    other = read_html(site / "events" / "published" / "index.html")
    assert other.find("meta", attrs={"name": "robots"}) is None
    assert other.select_one(".draft-mark") is None


def test_the_draft_mark_speaks_the_sites_language(make_site):
    root = drafts_site(make_site, config='title = "Tijdlijn"\nlanguage = "nl"\n')
    build_site(root, drafts=True)
    for page in [*pages_listing_both(root / "site"),
                 root / "site" / "events" / "secret" / "index.html"]:
        marks = read_html(page).select(".draft-mark")
        assert [mark.get_text(strip=True) for mark in marks] == ["Concept, niet gepubliceerd"]


def test_without_drafts_nothing_is_marked(make_site):
    root = drafts_site(make_site)
    build_site(root)
    site = root / "site"
    assert not (site / "events" / "secret").exists()
    for page in pages_listing_both(site):
        assert read_html(page).select(".draft-mark") == []


def test_build_and_check_say_how_many_drafts_were_left_out(make_site, capsys):
    root = drafts_site(make_site)
    (root / "content" / "other.md").write_text(
        event_file("Other", "2018-09", sources=SOURCED, draft="true"), encoding="utf-8")
    assert main(["build", "--source", str(root)]) == 0
    said = "2 drafts left out; build with --drafts to see them\n"
    assert capsys.readouterr().out.endswith(said)
    # A second build, with nothing to do, says so again from what the first one recorded.
    assert main(["build", "--source", str(root)]) == 0
    out = capsys.readouterr().out
    assert "0 files written" in out and out.endswith(said)
    assert main(["check", "--source", str(root)]) == 0
    assert capsys.readouterr().out == ("Checked 1 event: 0 errors, 0 warnings\n"
                                       "2 drafts left out; check with --drafts to check them\n")
    assert main(["build", "--drafts", "--source", str(root)]) == 0
    assert main(["check", "--drafts", "--source", str(root)]) == 0
    assert "draft" not in capsys.readouterr().out
    (root / "content" / "other.md").unlink()
    assert main(["build", "--source", str(root)]) == 0
    assert capsys.readouterr().out.endswith(
        "1 draft left out; build with --drafts to see it\n")
    assert main(["build", "--quiet", "--source", str(root)]) == 0
    assert capsys.readouterr().out == ""


def test_the_placeholder_text_of_new_is_a_warning_while_it_is_there(make_site, capsys):
    root = make_site({})
    config = load_config(root)
    path = new_event(root, config, "Ansip speaks", "2018-12-07", ["eu"],
                     ["https://example.org/ansip"], today=dt.date(2018, 12, 7))
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index(PLACEHOLDER) + 1
    assert main(["check", "--source", str(root)]) == 0
    err = capsys.readouterr().err
    name = path.relative_to(root).as_posix()
    assert (f"warning: {name}:{line}: body: still holds the placeholder text that "
            "`chronoline new` wrote; write what happened instead\n") in err
    path.write_text(text.replace(PLACEHOLDER, "Ansip warned of Huawei."), encoding="utf-8")
    assert main(["check", "--source", str(root)]) == 0
    assert "placeholder" not in capsys.readouterr().err


@pytest.mark.parametrize("once, twice", [("python2", "python3"), ("g7", "g8"),
                                         ("python", "python3"), ("windows10", "windows11")])
def test_tags_that_differ_only_in_digits_are_not_a_typo(make_site, capsys, once, twice):
    root = make_site({
        "content/a.md": event_file("A", "2018", tags=f"[{once}]", sources=SOURCED),
        "content/b.md": event_file("B", "2018", tags=f"[{twice}]", sources=SOURCED),
        "content/c.md": event_file("C", "2018", tags=f"[{twice}]", sources=SOURCED),
    })
    assert main(["check", "--strict", "--source", str(root)]) == 0
    assert "typo" not in capsys.readouterr().err


def test_a_typo_among_digits_is_still_a_typo(make_site, capsys):
    root = make_site({
        "content/a.md": event_file("A", "2018", tags="[pyhton3]", sources=SOURCED),
        "content/b.md": event_file("B", "2018", tags="[python3, python2]", sources=SOURCED),
        "content/c.md": event_file("C", "2018", tags="[python3, python2]", sources=SOURCED),
    })
    assert main(["check", "--source", str(root)]) == 0
    assert ("warning: content/a.md: tags: 'pyhton3' is used once and is spelled almost like "
            "'python3' (used 2 times); a typo?") in capsys.readouterr().err


def test_strict_keeps_the_warning_prefix(make_site, capsys):
    root = make_site({"content/a.md": event_file("A", "2018")})
    assert main(["check", "--strict", "--source", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "warning: content/a.md: sources: no source; add one so that readers can check the "
        "event",
        "Checked 1 event: 0 errors, 1 warning"]


def test_pages_with_drafts_marked_are_valid_html(make_site):
    from test_html_valid import check_html, describe

    root = drafts_site(make_site)
    build_site(root, drafts=True)
    site = root / "site"
    files = [*pages_listing_both(site), site / "events" / "secret" / "index.html"]
    problems = [describe(message, site) for message in check_html(files)]
    assert not problems, "\n".join(problems)
