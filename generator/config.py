"""Site settings, read from `chronoline.toml` or `[tool.chronoline]` in `pyproject.toml`."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from generator.errors import ContentError, ContentErrors

CONFIG_FILE = "chronoline.toml"
PYPROJECT_FILE = "pyproject.toml"


@dataclass(frozen=True)
class SiteConfig:
    """What a site says about itself; every field has a default."""

    title: str = "Timeline"
    description: str = ""
    base_url: str = ""
    language: str = "en"
    order: str = "oldest"
    timezone: str = "UTC"
    raw_html: bool = False
    cname: str = ""  # a custom domain: written to CNAME for hosts that read it
    feed_limit: int = 50
    index_limit: int = 500  # beyond this many events the timeline page shows the latest
    image: str = ""  # shown when a page is shared: a URL, or a path inside the site
    search: bool = True  # a search box on every page, and its index under pagefind/
    lanes: str = ""  # "tags": an event without a `lane:` is in its first tag's lane
    history: bool = True  # publication dates and corrections from the site's git history

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def html_lang(self) -> str:
        """The language as BCP 47, for `<html lang>`: `nl`, `nl-BE`."""
        return self.language.replace("_", "-")

    @property
    def base_path(self) -> str:
        """The path part of `base_url`, always with a trailing slash (`/` when none)."""
        path = urlsplit(self.base_url).path if self.base_url else "/"
        return path if path.endswith("/") else path + "/"


SETTINGS = {f.name: f.type for f in fields(SiteConfig)}


def config_path(root: Path) -> Path | None:
    """The file that holds the settings: `chronoline.toml`, else `pyproject.toml`, else none."""
    for name in (CONFIG_FILE, PYPROJECT_FILE):
        if (root / name).is_file():
            return root / name
    return None


def load_config(root: Path, overrides: dict | None = None) -> SiteConfig:
    """Read and check the site settings under `root`; raise ContentErrors naming each problem."""
    path = config_path(root)
    raw: dict = {}
    text = ""
    shown = ""
    if path is not None:
        shown = path.name
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError:
            error = ContentError(shown, "is not UTF-8 text; save it as UTF-8")
            raise ContentErrors([error]) from None
        except tomllib.TOMLDecodeError as exc:
            line = _toml_error_line(str(exc))
            raise ContentErrors([ContentError(shown, f"not valid TOML: {exc}", line)]) from None
        if path.name == PYPROJECT_FILE:
            raw = data.get("tool", {}).get("chronoline", {})
            prefix = "tool.chronoline."
            if not isinstance(raw, dict):
                message = "[tool.chronoline] must be a table of settings, such as title = \"...\""
                line = _key_line(text, "chronoline", 0)
                raise ContentErrors([ContentError(shown, message, line)])
        else:
            raw = data
            prefix = ""
    else:
        prefix = ""
    overrides = overrides or {}
    raw = {**raw, **overrides}
    errors: list[ContentError] = []
    values: dict = {}
    section = text.find("[tool.chronoline]") if prefix else 0
    for key, value in raw.items():
        line = _key_line(text, key, max(section, 0))
        if key in overrides:  # given on the command line: name the option, not the file
            problem = _check(key, value)
            if problem:
                errors.append(ContentError("--" + key.replace("_", "-"), problem))
            else:
                values[key] = value
            continue
        if key not in SETTINGS:
            hint = difflib.get_close_matches(key, SETTINGS, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else "known settings: " + ", ".join(SETTINGS)
            error = ContentError(shown or "config", f"unknown setting; {fix}", line, prefix + key)
            errors.append(error)
            continue
        problem = _check(key, value)
        if problem:
            errors.append(ContentError(shown or "config", problem, line, prefix + key))
        else:
            values[key] = value
    if errors:
        raise ContentErrors(errors)
    config = replace(SiteConfig(), **values)
    if config.base_url and not config.base_url.endswith("/"):
        config = replace(config, base_url=config.base_url + "/")
    return config


def _check(key: str, value: object) -> str | None:
    if key in ("raw_html", "search", "history"):
        return None if isinstance(value, bool) else f"must be true or false, not {value!r}"
    if key in ("feed_limit", "index_limit"):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be a whole number, not {value!r}"
        return f"must be 1 or more, not {value}" if value < 1 else None
    if not isinstance(value, str):
        return f"must be a string, not {value!r}"
    return _check_text(key, value)


def _check_text(key: str, value: str) -> str | None:
    if key == "cname" and value and not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", value.lower()):
        return f"must be a domain name such as \"timeline.example.org\", not {value!r}"
    if key == "lanes" and value not in ("", "tags"):
        return f"must be \"tags\" (each event's first tag is its lane) or \"\", not {value!r}"
    if key == "order" and value not in ("oldest", "newest"):
        return f"must be \"oldest\" or \"newest\", not {value!r}"
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return (f"unknown time zone {value!r}; "
                    "use an IANA name such as \"Europe/Amsterdam\" or \"UTC\"")
    if key == "language":
        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return f"unknown language {value!r}; use a code such as \"en\", \"nl\" or \"nl-BE\""
    if key == "base_url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return f"must be an http(s) URL such as \"https://user.github.io/repo/\", not {value!r}"
    return None


def _key_line(text: str, key: str, start: int) -> int | None:
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE)
    match = pattern.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
