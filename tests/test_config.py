"""Site settings from chronoline.toml or [tool.chronoline] in pyproject.toml."""

import pytest

from generator.config import SiteConfig, load_config
from generator.errors import ContentErrors


def messages(root) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_config(root)
    return [str(e) for e in caught.value.errors]


def test_defaults_without_a_config_file(tmp_path):
    assert load_config(tmp_path) == SiteConfig()
    assert SiteConfig().language == "en" and SiteConfig().order == "oldest"
    assert SiteConfig().timezone == "UTC" and SiteConfig().raw_html is False


def test_chronoline_toml_is_read(tmp_path):
    (tmp_path / "chronoline.toml").write_text(
        'title = "T"\nbase_url = "https://u.github.io/repo"\nlanguage = "nl-BE"\n'
        'order = "newest"\ntimezone = "Europe/Amsterdam"\nraw_html = true\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.title == "T"
    assert config.base_url == "https://u.github.io/repo/"
    assert config.base_path == "/repo/"
    assert config.html_lang == "nl-BE"
    assert (config.order, config.timezone, config.raw_html) == ("newest", "Europe/Amsterdam", True)


def test_pyproject_is_used_when_there_is_no_chronoline_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndescription = "x"\n\n[tool.chronoline]\ntitle = "From pyproject"\n'
        'descripton = "typo"\n', encoding="utf-8")
    assert messages(tmp_path) == [
        "pyproject.toml:6: tool.chronoline.descripton: unknown setting; did you mean 'description'?"
    ]


def test_chronoline_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.chronoline]\ntitle = "P"\n', encoding="utf-8")
    (tmp_path / "chronoline.toml").write_text('title = "C"\n', encoding="utf-8")
    assert load_config(tmp_path).title == "C"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('colour = "red"\n', "chronoline.toml:1: colour: unknown setting; known settings: title, "
         "description, base_url, language, order, timezone, raw_html, cname, feed_limit, "
         "index_limit, image, search, lanes, history"),
        ('feed_limit = "10"\n', "chronoline.toml:1: feed_limit: must be a whole number, not '10'"),
        ('feed_limit = 0\n', "chronoline.toml:1: feed_limit: must be 1 or more, not 0"),
        ('cname = "https://x.org/"\n', "chronoline.toml:1: cname: must be a domain name such as "
         "\"timeline.example.org\", not 'https://x.org/'"),
        ('order = "random"\n', "chronoline.toml:1: order: must be \"oldest\" or \"newest\", "
         "not 'random'"),
        ('timezone = "Mars/Base"\n', "chronoline.toml:1: timezone: unknown time zone "
         "'Mars/Base'; use an IANA name such as \"Europe/Amsterdam\" or \"UTC\""),
        ('language = "xx-zz"\n', "chronoline.toml:1: language: unknown language 'xx-zz'; use a "
         "code such as \"en\", \"nl\" or \"nl-BE\""),
        ('raw_html = "yes"\n', "chronoline.toml:1: raw_html: must be true or false, not 'yes'"),
        ('search = "no"\n', "chronoline.toml:1: search: must be true or false, not 'no'"),
        ('base_url = "ftp://x"\n', "chronoline.toml:1: base_url: must be an http(s) URL such as "
         "\"https://user.github.io/repo/\", not 'ftp://x'"),
        ('title = \n', "chronoline.toml:1: not valid TOML: Invalid value (at line 1, column 9)"),
    ],
)
def test_bad_settings_are_named(tmp_path, text, expected):
    (tmp_path / "chronoline.toml").write_text(text, encoding="utf-8")
    assert messages(tmp_path) == [expected]


def test_a_bad_option_is_blamed_on_the_option(tmp_path):
    with pytest.raises(ContentErrors) as caught:
        load_config(tmp_path, {"base_url": "not a url"})
    assert [str(e) for e in caught.value.errors] == [
        "--base-url: must be an http(s) URL such as \"https://user.github.io/repo/\", "
        "not 'not a url'"]


def test_tool_chronoline_must_be_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool]\nchronoline = 5\n", encoding="utf-8")
    assert messages(tmp_path) == [
        "pyproject.toml:2: [tool.chronoline] must be a table of settings, such as title = \"...\""]


def test_lanes_are_off_unless_set_to_tags(tmp_path):
    assert load_config(tmp_path).lanes == ""
    (tmp_path / "chronoline.toml").write_text('lanes = "tags"\n', encoding="utf-8")
    assert load_config(tmp_path).lanes == "tags"


def test_lanes_takes_tags_or_nothing(tmp_path):
    (tmp_path / "chronoline.toml").write_text('title = "T"\nlanes = "tag"\n', encoding="utf-8")
    assert messages(tmp_path) == [
        "chronoline.toml:2: lanes: must be \"tags\" (each event's first tag is its lane) or "
        "\"\", not 'tag'"]
    (tmp_path / "chronoline.toml").write_text("lanes = true\n", encoding="utf-8")
    assert messages(tmp_path) == ["chronoline.toml:1: lanes: must be a string, not True"]
