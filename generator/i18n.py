"""The theme's own words in the site's language, from gettext catalogs kept in the package.

The catalogs are .po files; Babel compiles the one a site needs when the site is built, so a
plain `pip install` carries everything and there is no compiled file to keep in step.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "chronoline"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(language: str) -> gettext.NullTranslations:
    """The theme's words for `language` (`nl-BE` falls back to `nl`, anything missing to
    English, which the templates are written in)."""
    locale = language.replace("-", "_")
    for candidate in dict.fromkeys((locale, locale.split("_")[0])):
        path = catalog_path(candidate)
        if path.is_file():
            with path.open("rb") as file:
                catalog = read_po(file, locale=candidate, domain=DOMAIN)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            return Translations(compiled, domain=DOMAIN)
    return gettext.NullTranslations()
