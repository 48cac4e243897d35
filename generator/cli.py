"""The `chronoline` command: parses arguments, runs the library, prints results and errors."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import shlex
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, build
from generator.check import check
from generator.config import load_config
from generator.errors import (
    BuildFailed,
    CommandFailed,
    ContentError,
    ContentErrors,
    printable,
)
from generator.progress import ProgressLine, build_steps, link_steps
from generator.usage import check_folder, misuse

# A generation-2 threshold never reached: each full collection waits for this many collections
# of the generation below it.
NO_FULL_COLLECTION = 2**30
HELP_WIDTH = 78

# Each command other than `build` imports the modules only it needs when it runs: `chronoline
# build` is run after every edit, and the dev server, the link checker and the importer would add
# a tenth of a second of imports (watchdog, http.client, ssl) to each of those runs.


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chronoline", description="Build a chronological timeline site from Markdown events.",
        epilog="Run 'chronoline COMMAND --help' for what a command does and its options.")
    parser.add_argument("--version", action="version", version=f"chronoline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     help="one of these:")

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--source", type=Path, default=Path("."), metavar="DIR",
                      help="the site's folder, holding content/ and layouts/ (default: .)")
    site.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    drafts = argparse.ArgumentParser(add_help=False)
    drafts.add_argument("--drafts", action="store_true", help="include events marked draft: true")

    b = _command(commands, "build", [site, drafts], "build the site into site/",
                 "Read every event under content/ and write the timeline site into site/ (only "
                 "the files that changed). A broken event leaves site/ as it was.",
                 "chronoline build --base-url https://user.github.io/repo/")
    b.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: DIR/site)")
    b.add_argument("--base-url", metavar="URL", help="the site's public URL, overriding base_url")
    b.add_argument("--quiet", action="store_true", help="print only errors, no summary or warnings")
    b.add_argument("--clean", action="store_true",
                   help="build without the cache in .chronoline-cache/ (a new one is written)")
    b.add_argument("--no-wait", dest="wait", action="store_false",
                   help="fail at once, instead of waiting, when another build is writing the "
                        "output folder")

    s = _command(commands, "serve", [site, drafts], "serve the site and reload it as files change",
                 "Build the site into a folder of its own (never site/), serve it on this "
                 "machine, and rebuild and reload the open pages each time a file is saved.",
                 "chronoline serve --open")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    s.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--allow-host", dest="allow_hosts", action="append", default=[],
                   metavar="NAME", help="also answer requests for this host name (localhost "
                   "and IP addresses always are); .NAME allows the names under it; repeatable")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.add_argument("--poll", action="store_true",
                   help="poll for changes (for Docker, network drives and WSL)")

    i = _command(commands, "init", [], "start a new timeline site in a folder",
                 "Write a new site that builds at once: chronoline.toml, one example event, "
                 "layouts/, .gitignore and a GitHub Pages workflow.",
                 'chronoline init my-timeline --title "My timeline" --language en')
    i.add_argument("folder", type=Path, metavar="DIR",
                   help="the folder for the new site; made if it does not exist")
    i.add_argument("--title", default="Timeline", help="the site's title")
    i.add_argument("--language", default="en", help="a language code such as en, nl or nl-BE")
    i.add_argument("--force", action="store_true",
                   help="add the missing files to a folder that is not empty (none is overwritten)")

    n = _command(commands, "new", [], "write a new event file",
                 "Write content/events/DATE-SLUG.md with its front matter filled in, and print "
                 "its path. An existing file is never overwritten.",
                 'chronoline new "Summit in Brussels" --date 2018-12-07 --tag eu')
    n.add_argument("title", help="the event's title, in quotes if it has spaces")
    n.add_argument("--date", help="2018-12-07, 2018-12 or 2018 (default: today)")
    n.add_argument("--tag", action="append", default=[], help="a tag; repeat for more")
    n.add_argument("--source", dest="urls", action="append", default=[], metavar="URL",
                   help="a source's address; repeat for more")
    n.add_argument("--site", dest="source", type=Path, default=Path("."), metavar="DIR",
                   help="the site's folder (default: .)")
    n.add_argument("--draft", action="store_true", help="mark the event as a draft")
    n.add_argument("--debug", action="store_true", help="show tracebacks")
    n.add_argument("--edit", action="store_true", help="open the new file in $EDITOR")

    c = _command(commands, "check", [site, drafts], "check every event without building",
                 "Read and render everything a build would, in memory, writing nothing, and "
                 "report errors and warnings (events without sources, likely typos in tags). "
                 "Exit status 1 on errors, or on warnings with --strict.",
                 "chronoline check --strict --links")
    c.add_argument("--links", action="store_true", help="also request every source's address")
    c.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for each address (default: 10)")
    c.add_argument("--strict", action="store_true", help="count warnings as errors, for CI")
    c.add_argument("--since", metavar="REF", help="check the commits since REF for changed "
                   "dates, titles and sources without a Correction: or Update: trailer "
                   "(default: the last tag)")

    m = _command(commands, "import", [site],
                 "turn a TimelineJS file or address (JSON or CSV) into event files",
                 "Write one event file per slide of a TimelineJS3 or TimelineJS 2 JSON file, or "
                 "of a TimelineJS sheet saved as CSV or published on the web, copy the pictures "
                 "kept beside the file into content/media/, and list what could not be carried "
                 "over.",
                 "chronoline import timeline.json --into content/events")
    # A path, or an http(s) address, which Path would spoil.
    m.add_argument("file", help="the TimelineJS file (.json, or a sheet saved as .csv), or its "
                                "https:// address, such as a Google Sheet published as CSV")
    m.add_argument("--into", type=Path, metavar="DIR",
                   help="where the event files go (default: content/events in the site)")
    return parser


def _command(commands: argparse._SubParsersAction, name: str,
             parents: list[argparse.ArgumentParser], summary: str, description: str,
             example: str) -> argparse.ArgumentParser:
    """A subcommand whose --help says what it does and shows an example."""
    # Wrapped here, since the raw formatter keeps the example's line as it is.
    text = f"{textwrap.fill(description, HELP_WIDTH)}\n\nExample:\n  {example}"
    return commands.add_parser(name, parents=parents, help=summary, description=text,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def run() -> int:
    """The `chronoline` command itself: `main()`, in a process that ends when it returns."""
    # A terminated command cleans up as an interrupted one does: a build stops its worker
    # processes (which would otherwise wait for work forever) and removes what it staged, the
    # dev server removes its folder.
    signal.signal(signal.SIGTERM, lambda *_: _raise_interrupt())
    # What is imported by now lives as long as the process: the garbage collector need never
    # walk it again. Nothing made later is frozen, so what a long-running `serve` drops (an
    # old Jinja environment after a layout edit) is still collected.
    gc.freeze()
    status = main()
    # As the process ends, Python runs a last full collection over all the command made, for
    # nothing (a tenth of a second after a build of 10,000 events). Frozen, it is left alone.
    gc.freeze()
    return status


@contextlib.contextmanager
def _no_full_collection() -> Iterator[None]:
    """No full collection during a build: nearly all a build makes lives to its end, so each
    full pass (several per build, each tens of milliseconds at 10,000 events) would walk it for
    nothing. The young
    generations are still collected, so short-lived reference cycles are freed. Only for the
    command's own process: the library leaves the collector as its caller set it, and `serve`
    keeps Python's defaults, since it lives on and must free what it drops."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], NO_FULL_COLLECTION)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else argv
    if (mistyped := misuse(parser, argv)) is not None:
        print(mistyped, file=sys.stderr)
        return 2  # a mistyped command line, as argparse's own errors
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    command = {"build": _build, "serve": _serve, "init": _init, "new": _new, "check": _check,
               "import": _import}[args.command]
    try:
        check_folder(args)
        return command(args)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except (BuildFailed, ContentErrors) as exc:
        _print_errors(exc.errors)
        return 1
    except CommandFailed as exc:
        print(f"chronoline {args.command}: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        if debug:
            raise
        print(f"chronoline {args.command}: {printable(_where(exc, args))}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in chronoline: one line, and the way to see more
        if debug:
            raise
        print(f"chronoline failed unexpectedly: {type(exc).__name__}: {printable(str(exc))}\n"
              "Run the same command with --debug to see where, and please report it.",
              file=sys.stderr)
        return 1


def _where(exc: OSError, args: argparse.Namespace) -> str:
    """The file an error is about; when the system names none (a full disk), the folder the
    command writes, or the site's."""
    if exc.filename is not None:
        return str(exc.filename)
    if args.command == "build":
        return str(args.output if args.output is not None else args.source / "site")
    return str(getattr(args, "source", None) or ".")


def _print_errors(errors: list[ContentError], prefix: str = "") -> None:
    for error in errors:
        print(f"{prefix}{error}", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _build(args: argparse.Namespace) -> int:
    line = ProgressLine(sys.stderr, enabled=not args.quiet)
    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts, clean=args.clean, wait=args.wait,
                           progress=build_steps(line))

    def waiting() -> None:
        shown = printable(str(options.output_dir))
        print(f"waiting for another build of {shown} to finish", file=sys.stderr, flush=True)

    try:
        with _no_full_collection(), line:
            report = build(options, waiting)
    except BuildFailed as exc:
        _print_errors(exc.errors)
        print(f"Build failed: {_plural(len(exc.errors), 'problem')}; "
              f"{printable(str(options.output_dir))} was left as it was.", file=sys.stderr)
        return 1
    if not args.quiet:
        for warning in report.warnings:
            print(f"warning: {printable(warning)}", file=sys.stderr)
        print(report.summary())
        _say_drafts(report.drafts, "build with --drafts to see")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import webbrowser  # 8 ms of imports

    from generator.serve import DevServer, ServeOptions

    options = ServeOptions(root=args.source, port=args.port, bind=args.bind, drafts=args.drafts,
                           poll=args.poll, allow_hosts=tuple(args.allow_hosts), debug=args.debug)
    dev = DevServer(options, lambda line: print(line, flush=True))
    try:
        dev.start()
        if dev.exposed:
            drafts = ", drafts included" if args.drafts else ""
            print(f"warning: --bind {args.bind} is not a loopback address: other machines on "
                  f"the network can read this site{drafts}", file=sys.stderr, flush=True)
        print(f"Serving at {dev.url} (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(dev.url)
        dev.run()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        dev.close()
    return 0


def _raise_interrupt() -> None:
    raise KeyboardInterrupt


def _init(args: argparse.Namespace) -> int:
    from generator.scaffold import init_site, install_step, installed

    config = load_config(args.folder, {"title": args.title, "language": args.language})
    step = install_step(installed())
    written, kept = init_site(args.folder, config.title, config.language, force=args.force,
                              install=step)
    for path in written:
        print(f"wrote {printable(str(path))}")
    for path in kept:
        print(f"kept  {printable(str(path))} (it exists already)")
    workflow = args.folder / ".github" / "workflows" / "pages.yml"
    if step.unsure and workflow in written:
        print(f"warning: {printable(str(workflow))}: {step.unsure}; change its install line "
              "before the first push (the comment above it says how)", file=sys.stderr)
    print(f"Next: cd {shlex.quote(str(args.folder))} && chronoline serve")
    return 0


def _new(args: argparse.Namespace) -> int:
    from generator.new import new_event

    config = load_config(args.source)
    path = new_event(args.source, config, args.title, args.date, args.tag, args.urls, args.draft)
    print(printable(str(path)))
    if args.edit:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            print("chronoline new: --edit needs $EDITOR (or $VISUAL) to name your editor",
                  file=sys.stderr)
            return 1
        return subprocess.call([*shlex.split(editor), str(path)])
    return 0


def _check(args: argparse.Namespace) -> int:
    from generator.linkcheck import check_links

    with ProgressLine(sys.stderr) as line:
        report = check(BuildOptions(root=args.source, drafts=args.drafts,
                                    progress=build_steps(line)), args.since)
        errors, warnings = list(report.errors), list(report.warnings)
        unreachable = False
        if args.links and report.timeline is not None:
            links = check_links(report.timeline, args.source, args.timeout, link_steps(line))
            errors += links.errors
            warnings += links.warnings
            unreachable = links.unreachable
    _print_errors(errors)
    _print_errors(warnings, "warning: ")  # --strict fails on them, but they stay warnings
    if unreachable:
        print(f"chronoline check: the network seems unreachable (no host of {links.checked} "
              "addresses could be looked up); the links were not checked", file=sys.stderr)
    problems = len(errors) + (len(warnings) if args.strict else 0) + unreachable
    events = report.events
    print(f"Checked {_plural(events, 'event')}: {_plural(len(errors), 'error')}, "
          f"{_plural(len(warnings), 'warning')}", file=sys.stderr if problems else sys.stdout)
    _say_drafts(report.drafts, "check with --drafts to check")
    return 1 if problems else 0


def _say_drafts(count: int, advice: str) -> None:
    if count:
        print(f"{_plural(count, 'draft')} left out; {advice} {'it' if count == 1 else 'them'}")


def _import(args: argparse.Namespace) -> int:
    from generator.importer import import_file

    into = args.into if args.into is not None else args.source / "content" / "events"
    report = import_file(args.file, into, content=args.source / "content")
    if report.title:
        print(f"Title slide (for title and description in chronoline.toml):\n"
              f"  title = {json.dumps(report.title, ensure_ascii=False)}\n"
              f"  description = {json.dumps(report.text, ensure_ascii=False)}")
    for path in report.written:
        print(f"wrote   {printable(str(path))}")
    for path in report.skipped:
        print(f"skipped {printable(str(path))} (it exists already)")
    for path in report.copied:
        print(f"copied  {printable(str(path))}")
    for line in report.not_carried:
        print(f"not carried over: {printable(line)}")
    for line in report.media_left:
        print(printable(line))
    if report.media_left:
        print("Each such event keeps the file's address, caption and credit under 'extra: "
              "media:'; to show it, put the file under content/ and move them to 'media:'.")
    if report.kept:
        print(f"Kept: {printable(', '.join(report.kept))}")
    print(f"Imported {_plural(len(report.written), 'event')}, skipped "
          f"{len(report.skipped)}, {len(report.not_carried)} not carried over"
          + (f", {_plural(len(report.media_left), 'media file')} not copied"
             if report.media_left else ""))
    return 0
