"""Mistyped command lines, told plainly: an unknown command or option with the nearest known
one (argparse names none before Python 3.14), and a site folder that is not there."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterable

from generator.errors import CommandFailed, printable


def misuse(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """An unknown command or option named with the nearest known one, which argparse (before
    Python 3.14) does not suggest; None when argparse's own checks can take it from here."""
    commands = _subparsers(parser)
    name = next((token for token in argv if not token.startswith("-")), None)
    if name is None:
        return None
    if name not in commands:
        return f"chronoline: unknown command '{printable(name)}'; " + _suggest(name, commands)
    _, extras = parser.parse_known_args(argv)
    flag = next((token.split("=")[0] for token in extras if token.startswith("-")), None)
    if flag is None:
        return None
    known = [option for action in commands[name]._actions for option in action.option_strings]
    if flag in known:  # an option of the command, written before it
        return f"chronoline: {flag} goes after the command: chronoline {name} {flag}"
    return f"chronoline {name}: unknown option '{printable(flag)}'; " + _suggest(
        flag, [option for option in known if option.startswith("--")], f"chronoline {name}")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser, by name."""
    return next(action.choices for action in parser._actions
                if isinstance(action, argparse._SubParsersAction))


def _suggest(word: str, known: Iterable[str], command: str = "chronoline") -> str:
    # Compared without the dashes, which every option shares and which would make any two
    # options look alike.
    bare = {name.lstrip("-"): name for name in known}
    close = difflib.get_close_matches(word.lstrip("-"), list(bare), n=1, cutoff=0.7)
    if close:
        shown = bare[close[0]]
        return f"did you mean {shown if shown.startswith('-') else repr(shown)}?"
    what = "the commands" if command == "chronoline" else "its options"
    return f"run '{command} --help' to see {what}"


def check_folder(args: argparse.Namespace) -> None:
    """The site's folder must be there, and a folder to be made must not be inside a file:
    named in the error before any work starts, where `new` and `import` would otherwise make
    the site's folder."""
    if args.command != "init":  # init makes its folder
        _site_folder(args)
    made = {"init": ("DIR", getattr(args, "folder", None)),
            "build": ("--output", getattr(args, "output", None)),
            "import": ("--into", getattr(args, "into", None))}
    flag, folder = made.get(args.command, ("", None))
    if folder is not None:
        # The nearest folder above it that is there; a file there is no place for it.
        there = next((parent for parent in folder.parents if parent.exists()), None)
        if there is not None and not there.is_dir():
            raise CommandFailed(f"{printable(str(there))}: is a file, not a folder; give {flag} "
                                "a folder that is not inside a file")


def _site_folder(args: argparse.Namespace) -> None:
    flag = "--site" if args.command == "new" else "--source"
    folder = printable(str(args.source))
    if not args.source.exists():
        raise CommandFailed(f"{folder}: no such folder; give {flag} the site's folder, the one "
                            "that holds content/ (or make a new site with chronoline init)")
    if not args.source.is_dir():
        raise CommandFailed(f"{folder}: is not a folder; give {flag} the site's folder, the one "
                            "that holds content/")
