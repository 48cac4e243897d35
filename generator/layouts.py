"""The Jinja2 environment: a site's `layouts/` over the default theme, safe by default."""

from __future__ import annotations

import posixpath
import re
import traceback
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.errors import ContentError
from generator.model import Event, Tag
from generator.pages import Page, event_path, public_url, tag_path, year_path

THEME_DIR = Path(__file__).parent / "theme"
_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
STATIC_DIR = THEME_DIR / "static"


def make_environment(layouts_dir: Path, config: SiteConfig) -> jinja2.Environment:
    """A site's templates first; the theme's under their own names and as `default/NAME`."""
    theme = jinja2.FileSystemLoader(THEME_DIR)
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(layouts_dir),
        jinja2.PrefixLoader({"default": theme}),
        theme,
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    locale = config.language.replace("-", "_")
    tz = config.tzinfo
    env.filters["datetext"] = lambda date: date.display(locale, tz)
    env.filters["dateiso"] = PartialDate.iso
    env.filters["monthtext"] = lambda ym: PartialDate(ym[0], ym[1]).display(locale, tz)
    env.globals["url"] = _url
    env.globals["summary"] = _summary
    env.globals["site"] = config
    return env


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: object) -> str:
    """A relative link from the page being rendered to an event, tag, year or site path."""
    if isinstance(target, Event):
        path = event_path(target)
    elif isinstance(target, Tag):
        path = tag_path(target)
    elif isinstance(target, int):
        path = year_path(target)
    else:
        path = str(target)
    return context["page"].root + path


@jinja2.pass_context
def _summary(context: jinja2.runtime.Context, event: Event) -> Markup:
    """The event's summary with its relative links rebased from the event's page to this one."""
    base = posixpath.dirname(event_path(event))
    root = context["page"].root

    def rebase(match: re.Match) -> str:
        url = match.group(2)
        if not url or url.startswith("/") or _HAS_SCHEME.match(url):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(base, url))
        if url.startswith("#"):
            target = event_path(event) + url
        elif url.endswith("/"):
            target += "/"
        return f'{match.group(1)}="{root}{target}"'

    return Markup(_URL_ATTRIBUTE.sub(rebase, event.summary_html))


def render_page(env: jinja2.Environment, page: Page, config: SiteConfig) -> str:
    """Render one page; template problems raise TemplateError."""
    template = env.get_template(page.template)
    return template.render(page=page, canonical=public_url(config, page.path), **page.context)


def template_error(exc: Exception, root: Path) -> ContentError:
    """A template problem as `path:line: template: message`, naming the template's own file."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(_shown(exc.filename or exc.name or "?", root),
                            f"template syntax: {exc.message}", exc.lineno, "template")
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError("layouts", f"template not found: {exc.name}", None, "template")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return ContentError(_shown(frame.filename, root), str(exc), frame.lineno, "template")
    return ContentError("layouts", f"{type(exc).__name__}: {exc}", None, "template")


def _shown(filename: str, root: Path) -> str:
    path = Path(filename)
    for base in (root, THEME_DIR.parent.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename
