"""What a build checks of the site's folder before it reads an event: its settings, and a
content/ folder inside it."""

from __future__ import annotations

from pathlib import Path

from generator.config import SiteConfig, load_config
from generator.discover import leads_out
from generator.errors import BuildFailed, ContentError, ContentErrors


def load_settings(root: Path, base_url: str | None) -> SiteConfig:
    """The site's settings, with the base URL of the command line if given."""
    try:
        return load_config(root, {"base_url": base_url} if base_url is not None else None)
    except ContentErrors as exc:
        raise BuildFailed(exc.errors) from None


def check_content_folder(root: Path) -> None:
    """A content/ folder that is there, and inside the site's folder."""
    if not (root / "content").is_dir():
        raise BuildFailed([ContentError(str(root), "has no content/ folder; put event files "
                                        "in content/, or point --source at the site's folder")])
    if leads_out(root, "content"):
        raise BuildFailed([ContentError("content", "is a link that leads out of the site's "
                                        "folder, and chronoline publishes only what is "
                                        "inside it; put the folder itself there")])
