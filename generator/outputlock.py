"""One build at a time in an output folder: a lock on the folder itself."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.outputfiles import make_folders, remove_empty_parents
from generator.outputfolder import OutputError

try:
    import fcntl
except ImportError:  # Windows: builds of one folder are not kept apart
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def exclusive(output: Path, waiting: Callable[[], None] | None = None,
              wait: bool = True) -> Iterator[None]:
    """Keep other builds out of `output` (made if missing) while the block runs. A second
    build waits for the first (`waiting` is called once, to say so) or, unless `wait`, stops
    with an OutputError.

    The lock is `flock` on the folder itself: no lock file to deploy with the site or to
    leave beside it (where the user may not even be able to write), builds of two sites into
    one folder are kept apart too, and the system releases it when a build dies, even killed.
    """
    made: list[Path] = []
    make_folders(output, made)
    try:
        descriptor = _locked(output, waiting, wait)
        try:
            yield
        finally:
            if descriptor is not None:
                os.close(descriptor)
    finally:
        if made:  # a first build that failed: the folder it made goes too, if it is empty
            with contextlib.suppress(OSError):
                remove_empty_parents(output, made[0].parent)


def _locked(output: Path, waiting: Callable[[], None] | None, wait: bool) -> int | None:
    """A descriptor of `output` holding its lock, or None where locks are not to be had."""
    if fcntl is None:
        return None
    told = False
    while True:
        descriptor = os.open(output, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise OutputError(f"{output}: another build is writing this folder; "
                                      "wait for it to finish, or build without --no-wait"
                                      ) from None
                if waiting is not None and not told:
                    waiting()
                    told = True
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(descriptor)
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            log.warning("%s: the file system does not lock folders; two builds of it at once "
                        "would mix their files", output)
            return None
        except BaseException:
            os.close(descriptor)
            raise
        # The build before may have removed the folder (a first build that failed) and the
        # next made it again: then the lock held is that of a folder no longer there.
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(output)):
                return descriptor
        os.close(descriptor)
        make_folders(output, [])
