"""Other languages: dates as readers write them, the theme's words translated, <html lang>."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_python
from babel.messages.pofile import read_po

from generator.build import BuildOptions, build
from generator.i18n import LOCALE_DIR, catalog_path, translations

from conftest import REPO_ROOT, build_site, event_file, read_html


def demo_in(tmp_path: Path, language: str) -> Path:
    root = tmp_path / language
    for name in ("content", "layouts"):
        shutil.copytree(REPO_ROOT / name, root / name)
    (root / "chronoline.toml").write_text(
        f'title = "Huawei"\nlanguage = "{language}"\ntimezone = "Europe/Amsterdam"\n',
        encoding="utf-8")
    build(BuildOptions(root=root))
    return root / "site"


def test_the_demo_in_dutch(tmp_path):
    site = demo_in(tmp_path, "nl")
    index = read_html(site / "index.html")
    assert index.html["lang"] == "nl"
    dates = {t["datetime"]: t.get_text() for t in index.select("article .when time")}
    assert dates["2018-07-19"] == "19 juli 2018"
    assert dates["2018-11"] == "november 2018"
    assert dates["2018-12"] == "december 2018"
    assert index.select_one(".site-nav").get_text(" ", strip=True) == "Tijdlijn Labels"
    event = read_html(next(site.glob("events/*ansip*/index.html")))
    assert event.select_one("#sources-heading").get_text() == "Bronnen"
    pager = event.select_one("nav.pager").get_text(" ", strip=True)
    assert "← Vorige" in pager and "Volgende →" in pager
    assert read_html(site / "2018" / "index.html").h1.get_text() == "Alle gebeurtenissen in 2018"
    assert read_html(site / "404.html").h1.get_text() == "Pagina niet gevonden"


def test_a_regional_language_uses_its_base_catalog_and_keeps_its_tag(tmp_path):
    site = demo_in(tmp_path, "nl-BE")
    index = read_html(site / "index.html")
    assert index.html["lang"] == "nl-BE"
    assert index.select_one(".site-nav").get_text(" ", strip=True) == "Tijdlijn Labels"


def test_a_language_without_a_catalog_reads_in_english_with_its_own_dates(tmp_path):
    site = demo_in(tmp_path, "de")
    index = read_html(site / "index.html")
    assert index.select_one(".site-nav").get_text(" ", strip=True) == "Timeline Tags"
    dates = {t["datetime"]: t.get_text() for t in index.select("article .when time")}
    assert dates["2018-07-19"] == "19. Juli 2018"


def test_written_dates_may_be_in_the_sites_language(make_site):
    root = make_site({"content/a.md": event_file("A", "7 december 2018"),
                      "content/b.md": event_file("B", "maart 2019"),
                      "content/c.md": event_file("C", "19 July 2018")},
                     config='language = "nl"\n')
    build_site(root)
    index = read_html(root / "site" / "index.html")
    assert [t["datetime"] for t in index.select("article .when time")] == [
        "2018-07-19", "2018-12-07", "2019-03"]


def test_catalogs_are_complete_and_match_the_templates():
    extracted = {m[2] if isinstance(m[2], str) else m[2][0]
                 for m in extract_from_dir(str(REPO_ROOT / "generator" / "theme"),
                                           method_map=[("**.html", "jinja2")],
                                           options_map={"**.html": {
                                               "extensions": "jinja2.ext.i18n",
                                               "trim_blocks": "True",
                                               "lstrip_blocks": "True"}})}
    # Dates' words, which generator/datetext.py writes out (babel.cfg names it too).
    with (REPO_ROOT / "generator" / "datetext.py").open("rb") as file:
        extracted |= {m[2] if isinstance(m[2], str) else m[2][0]
                      for m in extract_python(file, DEFAULT_KEYWORDS.keys(), [], {})}
    with (LOCALE_DIR / "chronoline.pot").open("rb") as file:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}
    assert extracted == template, "run: pybabel extract -F babel.cfg ... (see babel.cfg)"
    for language in ("en", "nl"):
        with catalog_path(language).open("rb") as file:
            catalog = read_po(file)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert ids == template, language
        assert all(m.string and all(m.string) if isinstance(m.string, tuple) else m.string
                   for m in catalog if m.id), language


def test_a_missing_translation_falls_back_to_english():
    assert translations("nl").gettext("A sentence no catalog has") == "A sentence no catalog has"
    assert translations("nl").gettext("Sources") == "Bronnen"


def test_catalogs_are_in_the_installed_package(tmp_path):
    # The wheel is what `pip install .` installs: the catalogs must be in it, not only here.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(tmp_path), str(REPO_ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("chronoline-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("en", "nl"):
        assert f"generator/locale/{language}/LC_MESSAGES/chronoline.po" in names
    assert "generator/theme/base.html" in names
    assert "generator/livereload_client/client.js" in names
