"""The `chronoline` command: parses arguments, runs the library, prints results and errors."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import webbrowser
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, build
from generator.errors import BuildFailed
from generator.output import OutputError
from generator.serve import DevServer, PortBusy, ServeOptions


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chronoline", description="Build a chronological timeline site from Markdown events.")
    parser.add_argument("--version", action="version", version=f"chronoline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = commands.add_parser("build", help="build the site into site/")
    b.add_argument("--source", type=Path, default=Path("."), metavar="DIR",
                   help="the site's folder, holding content/ and layouts/ (default: .)")
    b.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: DIR/site)")
    b.add_argument("--base-url", metavar="URL", help="the site's public URL, overriding base_url")
    b.add_argument("--drafts", action="store_true", help="include events marked draft: true")
    b.add_argument("--quiet", action="store_true", help="print only errors, no summary or warnings")
    b.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    s = commands.add_parser("serve", help="serve the site and reload it as files change")
    s.add_argument("--source", type=Path, default=Path("."), metavar="DIR",
                   help="the site's folder, holding content/ and layouts/ (default: .)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    s.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.add_argument("--drafts", action="store_true", help="include events marked draft: true")
    s.add_argument("--poll", action="store_true",
                   help="poll for changes (for Docker, network drives and WSL)")
    s.add_argument("--debug", action="store_true", help="log every request and rebuild step")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "serve":
            return _serve(args)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    return 2


def _build(args: argparse.Namespace) -> int:
    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts)
    try:
        report = build(options)
    except BuildFailed as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        count = len(exc.errors)
        print(f"Build failed: {count} problem{'s' if count != 1 else ''}; "
              f"{options.output_dir} was left as it was.", file=sys.stderr)
        return 1
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        if args.debug:
            raise
        print(f"{exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in chronoline: one line, and the way to see more
        if args.debug:
            raise
        print(f"chronoline failed unexpectedly: {type(exc).__name__}: {exc}\n"
              "Run the same command with --debug to see where, and please report it.",
              file=sys.stderr)
        return 1
    if not args.quiet:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(report.summary())
    return 0


def _serve(args: argparse.Namespace) -> int:
    options = ServeOptions(root=args.source, port=args.port, bind=args.bind, drafts=args.drafts,
                           poll=args.poll)
    dev = DevServer(options, lambda line: print(line, flush=True))
    # A terminated server cleans up like an interrupted one: its folder is removed.
    signal.signal(signal.SIGTERM, lambda *_: _raise_interrupt())
    try:
        dev.start()
        print(f"Serving at {dev.url} (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(dev.url)
        dev.run()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    except (PortBusy, OSError) as exc:
        print(f"chronoline serve: {exc}", file=sys.stderr)
        return 1
    finally:
        dev.close()
    return 0


def _raise_interrupt() -> None:
    raise KeyboardInterrupt
