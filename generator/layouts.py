"""The Jinja2 environment: a site's `layouts/` over the default theme, safe by default."""

from __future__ import annotations

import hashlib
import posixpath
import re
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from generator.config import SiteConfig
from generator.dates import PartialDate, period_of
from generator.datetext import DateText
from generator.errors import ContentError
from generator.htmldates import datetag
from generator.i18n import translations
from generator.listitems import ROOT_MARK, Fragments, page_events, page_source
from generator.markup import url_scheme
from generator.memo import PerObject
from generator.model import Event, Source, Tag, YearGroup
from generator.overview import Mark, Overview, day_number, layout
from generator.pages import (
    INDEX,
    NOT_FOUND,
    Counted,
    Page,
    event_path,
    public_url,
    tag_path,
    year_path,
)
from generator.slugs import slugify
from generator.structured import description, event_data, list_data, script_json, share_image
from generator.timeline import lane_of, long_gaps

THEME_DIR = Path(__file__).parent / "theme"
_LINKING_TAG = re.compile(r"<(?:a|img)\s[^>]*>")  # text never holds a raw "<": it is escaped
_URL_ATTRIBUTE = re.compile(r'\s(href|src)="([^"]*)"')
STATIC_DIR = THEME_DIR / "static"


class LayoutRefused(jinja2.TemplateError):
    """A file in a site's layouts/ that chronoline will not read as a template."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


class LayoutsLoader(jinja2.BaseLoader):
    """A site's own templates: only files inside its `layouts/` folder, which must itself be
    inside the site. A layout comes with a clone as much as an event file does, and a link
    such as `layouts/key.txt -> ~/.ssh/id_rsa` would otherwise put the key into a page."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def get_source(self, environment: jinja2.Environment, template: str,
                   ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".." itself
        folder = self._inside_site()
        path = self._folder.joinpath(*pieces)
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)  # the theme's, if it has one
        shown = "/".join(["layouts", *pieces])
        real = path.resolve()
        if not real.is_relative_to(folder):
            raise LayoutRefused(shown, "is a link to a file outside layouts/; copy the file "
                                "into layouts/ instead of linking to it")
        try:
            source = real.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LayoutRefused(shown, f"is not UTF-8 text (byte {exc.start}); save it as "
                                "UTF-8") from None
        except OSError as exc:
            raise LayoutRefused(shown, f"cannot be read: {exc.strerror}") from None
        # The builder makes a new environment when a layout changes (see auto_reload).
        return source, str(path), lambda: True

    def _inside_site(self) -> Path:
        """The layouts folder as it resolves, if it is inside the site's folder."""
        try:
            folder = self._folder.resolve()
        except (OSError, RuntimeError):  # a loop of links
            raise LayoutRefused("layouts", "is a link that leads to no folder; make it a "
                                "folder of templates") from None
        if not folder.is_relative_to(self._folder.parent.resolve()):
            raise LayoutRefused("layouts", "is a link to a folder outside the site; copy the "
                                "templates into layouts/ instead of linking to them")
        return folder


def layout_files(layouts: Path) -> list[Path]:
    """The files of `layouts` a template may be read from, sorted, leaving out its static/
    folder: what the build's stamp of the layouts hashes. Files through a link out of the
    folder, and every file of a layouts folder that links out of the site, are left out: the
    loader refuses them, and hashing them would read anything on the machine (a layouts
    folder that linked to /usr took minutes)."""
    try:
        folder = layouts.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return []
    if not folder.is_relative_to(layouts.parent.resolve()) or not layouts.is_dir():
        return []
    static = layouts / "static"
    # rglob does not descend into linked folders; a linked file is followed only inside.
    return sorted(p for p in layouts.rglob("*") if static not in p.parents and p.is_file()
                  and p.resolve().is_relative_to(folder))


class Sandbox(jinja2.sandbox.SandboxedEnvironment):
    """Jinja's sandbox, quicker with chronoline's own data. For an instance of a plain class
    its check of an attribute comes down to the name's first character, after nine isinstance
    tests that cost the cold build of 2,000 events 160,000 calls."""

    _DATA = frozenset({Event, Tag, Source, YearGroup, Page, SiteConfig, PartialDate,
                       jinja2.environment.TemplateModule})

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if type(obj) in self._DATA:  # exactly these: a subclass could be a function's
            return not attr.startswith("_")
        return super().is_safe_attribute(obj, attr, value)


def make_environment(layouts_dir: Path, config: SiteConfig, items: PerObject | None = None,
                     ) -> jinja2.Environment:
    """A site's templates first; the theme's under their own names and as `default/NAME`.
    `items` keeps the events' list items, rendered once (see Fragments). Templates run in
    Jinja's sandbox: a site's layouts are as untrusted as its events, and outside the
    sandbox `{{ cycler.__init__.__globals__.os }}` reaches all of Python."""
    theme = jinja2.FileSystemLoader(THEME_DIR)
    loader = jinja2.ChoiceLoader([
        LayoutsLoader(layouts_dir),
        jinja2.PrefixLoader({"default": theme}),
        theme,
    ])
    env = Sandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        # The builder makes a new environment when a layout changes; checking every template's
        # timestamp on every use cost two stat calls per list item.
        auto_reload=False,
    )
    env.globals["range"] = _range
    # The i18n extension adds this method to the environment at run time, where Jinja's
    # type hints cannot see it.
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(config.language), newstyle=True)
    locale = config.language.replace("-", "_")
    tz = config.tzinfo
    dates = DateText(config.language, tz)
    datetext = dates.date

    newest_first = config.order == "newest"
    fragments = Fragments(env, items if items is not None else PerObject(), tz, newest_first)
    page_gaps: list = [None, {}]  # the list a page's gaps were found in, and its gaps
    page_eras: list = [None, None]  # a page's eras and first and last events, and their markers

    @jinja2.pass_context
    def listed(context: jinja2.runtime.Context, events: tuple[Event, ...], level: int = 3,
               ) -> Markup:
        """The list items of `events`, joined, same-day events under their day and long gaps
        marked; one call for a whole list keeps big lists fast."""
        source = page_source(context, events)
        if page_gaps[0] is not source:  # once a page, though it lists its events in parts
            page_gaps[:] = [source, long_gaps(page_events(source), fragments.span,
                                              newest_first)]
        marks = context.get("era_marks", ())
        if page_eras[0] is not marks:
            page_eras[:] = [marks, fragments.era_marks(marks)]
        html = fragments.items(events, level, page_gaps[1], dates.duration, page_eras[1])
        html = html.replace(ROOT_MARK, context["page"].root)
        return Markup(html)

    @jinja2.pass_context
    def embedded(context: jinja2.runtime.Context, events: tuple[Event, ...]) -> Markup:
        """The embed page's items of `events`, each made once (see embed_item.html)."""
        return Markup(fragments.embed_items(events).replace(ROOT_MARK, context["page"].root))

    @jinja2.pass_context
    def embedded_strip(context: jinja2.runtime.Context,
                       marks: tuple[tuple[Event, float, int], ...]) -> Markup:
        """The embed page's strip of `marks` (event, place, row), each made once."""
        return Markup(fragments.strip_marks(marks).replace(ROOT_MARK, context["page"].root))

    @jinja2.pass_context
    def overview_marks(context: jinja2.runtime.Context, marks: tuple[Mark, ...], kind: str,
                       ) -> Markup:
        """The markup of an overview's marks, each made once (see overview_marks.html)."""
        return Markup(fragments.overview_marks(marks, kind).replace(ROOT_MARK,
                                                                    context["page"].root))

    counted: list = [None, None]  # the last Counted laid out, and its overview

    def overview(groups: tuple[YearGroup, ...], everything: tuple[Event, ...] | Counted = (),
                 eras: tuple[Event, ...] = ()) -> Overview | None:
        """The overview of the events listed in `groups`, with `eras` as bands; of
        `everything` when it holds more, such as every event of a timeline whose page lists
        the latest."""
        shown = tuple(event for group in groups for event in group.events)
        if isinstance(everything, Counted):
            # Counts per period, of the events' dates alone: the same as the last ones for
            # an edit of text, without counting ten thousand events again.
            if counted[0] != everything:
                counted[:] = [everything, layout(everything.events, tz, locale)]
            return counted[1]
        if len(everything) > len(shown):
            return layout(everything, tz, locale, {event.slug for event in shown}, eras, lane)
        return layout(shown, tz, locale, eras=eras, lane=lane)

    def lane(event: Event) -> str:
        return lane_of(event, config.lanes)

    env.filters["datetext"] = datetext
    env.filters["datetag"] = lambda date, text=None: datetag(date, text or datetext(date))
    env.filters["dateiso"] = PartialDate.iso
    env.filters["monthtext"] = lambda ym: datetext(PartialDate(ym[0], ym[1]))
    env.filters["periodtext"] = lambda year: dates.period(period_of(year))
    env.globals["url"] = _url
    env.globals["summary"] = _summary
    env.globals["rebased"] = _rebased
    env.globals["listed"] = listed
    env.globals["embedded"] = embedded
    env.globals["embedded_strip"] = embedded_strip
    env.globals["overview_marks"] = overview_marks
    env.globals["overview"] = overview
    env.filters["atday"] = partial(day_number, tz=tz)
    env.globals["site"] = config
    env.globals["lane"] = lambda event: slugify(lane_of(event, config.lanes))
    env.globals["fragments"] = fragments
    return env


def prune_caches(env: jinja2.Environment, events: tuple[Event, ...]) -> None:
    """Let the environment's caches drop what no longer belongs to the timeline."""
    fragments = env.globals["fragments"]
    assert isinstance(fragments, Fragments)  # make_environment put it there
    fragments.prune(events)


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: object) -> str:
    """A relative link from the page being rendered to an event or era, tag, year or site
    path."""
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
    return _rebased(context, event, event.summary_html)


@jinja2.pass_context
def _rebased(context: jinja2.runtime.Context, event: Event, html_text: str) -> Markup:
    """HTML of `event` (its summary, its media's caption) with its relative links rebased from
    the event's page to this one."""
    base = posixpath.dirname(event_path(event))
    root = context["page"].root

    def rebase(match: re.Match) -> str:
        url = match.group(2)
        if not url or url.startswith("/") or url_scheme(url) is not None:
            return match.group(0)
        target = posixpath.normpath(posixpath.join(base, url))
        if url.startswith("#"):
            target = event_path(event) + url
        elif url.endswith("/"):
            target += "/"
        if url_scheme(target) is not None:
            # `../../javascript:x` names a file on the event's page; from the site's root the
            # same path would read as a scheme. `./` keeps it the path it was, at any root.
            target = "./" + target
        return f' {match.group(1)}="{root}{target}"'

    html = _LINKING_TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(rebase, tag.group()), html_text)
    return Markup(html)


def render_page(env: jinja2.Environment, page: Page, config: SiteConfig) -> str:
    """Render one page; template problems raise TemplateError."""
    template = env.get_template(page.template)
    event = page.context.get("event")
    if event is not None:
        data = event_data(event, config)
    elif page.path == INDEX:
        data = list_data(tuple(e for group in page.context["years"] for e in group.events), config)
    else:
        data = None
    return template.render(
        page=page,
        canonical="" if page.path == NOT_FOUND else public_url(config, page.path),
        description=description(page, config),
        image=share_image(page, config),
        jsonld=Markup(script_json(data)) if data else "",
        feeds=bool(config.base_url),
        **page.context,
    )


def _range(*args: int) -> range:
    """Jinja's sandboxed range(), whose refusal of a huge range is a template error, not an
    OverflowError that names no template."""
    try:
        return jinja2.sandbox.safe_range(*args)
    except OverflowError:
        raise jinja2.sandbox.SecurityError(
            f"range() may give at most {jinja2.sandbox.MAX_RANGE:,} numbers") from None


def template_error(exc: Exception, root: Path) -> ContentError | None:
    """A template problem as `path:line: template: message`, naming the template's own file;
    None when no template is to blame."""
    if isinstance(exc, LayoutRefused):
        return ContentError(exc.path, exc.reason)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(_shown(exc.filename or exc.name or "?", root),
                            f"template syntax: {exc.message}", exc.lineno, "template")
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError("layouts", f"template not found: {exc.name}", None, "template")
    message = str(exc)
    if isinstance(exc, jinja2.sandbox.SecurityError):
        message = (f"{message.rstrip('.')}; templates run in a sandbox, which lets them reach the "
                   "pages' data but not Python's own")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return ContentError(_shown(frame.filename, root), message, frame.lineno, "template")
    if isinstance(exc, jinja2.TemplateError):
        return ContentError("layouts", f"{type(exc).__name__}: {exc}", None, "template")
    return None


def _shown(filename: str, root: Path) -> str:
    path = Path(filename)
    for base in (root, THEME_DIR.parent.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename


def layouts_stamp(root: Path) -> tuple:
    """What stands for the layouts a site is rendered with: its own, by content (there are
    few, and a timestamp can miss a quick second save), and the theme's files by timestamp
    (they change with chronoline's version, or when someone works on the theme)."""
    own = tuple((path.as_posix(), hashlib.blake2b(path.read_bytes()).digest())
                for path in layout_files(root / "layouts"))
    theme = tuple((path.as_posix(), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in sorted(THEME_DIR.rglob("*")) if path.is_file())
    return own + theme
