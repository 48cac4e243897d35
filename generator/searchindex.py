"""A client of Pagefind's binary (PyPI `pagefind-bin`), spoken to through its `--service`
protocol: records in, the files of a search bundle out, in memory.

Pagefind's own Python wrapper waits a tenth of a second for each answer, which makes ten
thousand records a quarter of an hour; here the records are written as fast as the binary reads
them while one thread reads its answers. Each message either way is the base64 of a JSON object
followed by a comma. Tested with pagefind-bin 1.5.2 (pyproject.toml pins the range)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import importlib
import json
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from generator.errors import CommandFailed

# A bundle of a few hundred events takes well under a second, ten thousand events ten to
# twenty: a binary that takes ten minutes for one bundle is stuck, and a build must not wait
# for it forever.
TIMEOUT_SECONDS = 600.0
BACKGROUND_NICENESS = 10  # how much lower than the dev server Pagefind runs there
POLL_SECONDS = 0.02  # how soon a bundle being made stops when asked to
_END = object()  # the binary closed its output: it stopped


class SearchIndexFailed(CommandFailed):
    """Pagefind could not be started, stopped, answered with an error or took too long."""


class IndexingStopped(Exception):  # noqa: N818 - not an error: the caller asked for it
    """A bundle was not made because the caller's `stop` said so; Pagefind was ended."""


@dataclass(frozen=True)
class Record:
    """One searchable page: its URL relative to the site's root, its words, and what a result
    shows of it (`meta`: title, date)."""

    url: str
    content: str
    meta: dict[str, str] = field(default_factory=dict)


def executable() -> Path:
    """The Pagefind binary that pagefind-bin ships, or SearchIndexFailed saying how to get it."""
    try:  # pagefind_bin ships no type hints: its one function is called as a module's
        return Path(importlib.import_module("pagefind_bin").get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexFailed(
            f"search: Pagefind's binary is missing ({exc}); install it with "
            "pip install 'pagefind-bin>=1.5.2,<1.6', or set search = false") from None


class Pagefind:
    """One running `pagefind --service`, making bundles one after another; close it (or use
    it in a `with`) to end the process. Not for use from two threads at once."""

    def __init__(self, binary: Path | None = None, timeout: float | None = None,
                 stop: Callable[[], bool] | None = None, background: bool = False) -> None:
        self.timeout = timeout or TIMEOUT_SECONDS
        self._stop = stop or (lambda: False)  # asked often: a dev server's edit came
        self._errors: IO[bytes] = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [str(binary or executable()), "--service"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise SearchIndexFailed(f"search: Pagefind could not be started: {exc}") from None
        if background:
            # A dev server's index is made while the author edits: on two cores, Pagefind at
            # full priority slowed the next save's pages and the browser's reload.
            with contextlib.suppress(AttributeError, OSError):  # no priorities on Windows
                os.setpriority(os.PRIO_PROCESS, self._process.pid, BACKGROUND_NICENESS)
        self._answers: queue.Queue[Any] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="pagefind", daemon=True)
        self._reader.start()
        self._next_id = 0
        self._expired = False  # the deadline passed, and the binary was killed

    def __enter__(self) -> Pagefind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bundle(self, records: Iterable[Record], language: str) -> dict[str, bytes]:
        """The files of one Pagefind bundle holding `records` (path inside the bundle's folder
        → bytes); `language` is a code such as `en`."""
        deadline = time.monotonic() + self.timeout
        timer = threading.Timer(self.timeout, self._expire)  # unblocks a stuck write
        timer.daemon = True
        timer.start()
        try:
            index = self._ask({"type": "NewIndex", "config": {"force_language": language}},
                              deadline)["index_id"]
            data = []
            for record in records:  # made as they are asked for: `stop` is heard between two
                if self._stop():
                    raise self._stopping()
                data.append(self._message({
                    "type": "AddRecord", "index_id": index, "url": record.url,
                    "content": record.content, "language": language, "meta": record.meta,
                    "filters": None, "sort": None}))
            # Written by a thread of its own: a write waits while the binary is busy, and this
            # one keeps watching `stop` and the answers meanwhile.
            writer = threading.Thread(target=self._write, args=(data,), name="pagefind-records",
                                      daemon=True)
            writer.start()
            try:
                # An error comes before the last answer.
                self._await(self._next_id, deadline, flush=False)
            finally:
                writer.join(timeout=5)  # done, or ended with the binary
            files = self._ask({"type": "GetFiles", "index_id": index}, deadline)["files"]
            self._ask({"type": "DeleteIndex", "index_id": index}, deadline)
        finally:
            timer.cancel()
        try:
            return {file["path"]: base64.b64decode(file["content"], validate=True)
                    for file in files}
        except (KeyError, TypeError, binascii.Error) as exc:
            raise SearchIndexFailed(f"search: Pagefind answered files that cannot be read: "
                                    f"{exc}") from None

    def close(self) -> None:
        """End the process (it ends when its input closes) and reap it, whatever its state."""
        process = self._process
        try:
            if process.stdin is not None:
                process.stdin.close()
        except OSError:
            pass  # it stopped already: the pipe is broken
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
        self._errors.close()

    def _message(self, payload: dict) -> bytes:
        """A message as the binary reads it, with the next number."""
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        return base64.b64encode(json.dumps(message).encode("utf-8")) + b","

    def _send(self, payload: dict) -> int:
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(self._message(payload))
        except (BrokenPipeError, OSError, ValueError):
            raise (self._late() if self._expired else self._stopped()) from None
        return self._next_id

    def _write(self, data: list[bytes]) -> None:
        """Write the messages and flush them; a binary that stopped is the reader's to tell."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            for message in data:
                stdin.write(message)
            stdin.flush()
        except (OSError, ValueError):
            pass

    def _ask(self, payload: dict, deadline: float) -> dict:
        return self._await(self._send(payload), deadline)

    def _await(self, message_id: int, deadline: float, flush: bool = True) -> dict:
        """The answer to `message_id`; an error answer to any message before it is raised.
        `flush`: the messages were written here, not by the thread writing records."""
        try:
            assert self._process.stdin is not None
            if flush:
                self._process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise (self._late() if self._expired else self._stopped()) from None
        while True:
            left = deadline - time.monotonic()
            try:
                answer = self._answers.get(timeout=max(0.0, min(left, POLL_SECONDS)))
            except queue.Empty:
                if self._stop():
                    raise self._stopping() from None
                if left > POLL_SECONDS:
                    continue
                self._expire()
                raise self._late() from None
            if answer is _END:
                self._answers.put(_END)  # for any later question: it stays stopped
                raise self._late() if self._expired else self._stopped()
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise SearchIndexFailed(f"search: Pagefind failed: {payload.get('message')}"
                                        + _detail(payload.get("original_message")))
            if answer.get("message_id") == message_id:
                return payload

    def _read(self) -> None:
        """Read the answers as they come, so that the binary never waits to write one."""
        stream = self._process.stdout
        assert stream is not None
        pending = b""
        try:
            while chunk := os.read(stream.fileno(), 1 << 20):
                *messages, pending = (pending + chunk).split(b",")
                for message in messages:
                    self._answers.put(json.loads(base64.b64decode(message)))
        except (OSError, ValueError) as exc:
            self._answers.put({"payload": {"type": "Error",
                                           "message": f"its answer cannot be read: {exc}"}})
        finally:
            self._answers.put(_END)

    def _expire(self) -> None:
        self._expired = True
        self._process.kill()

    def _late(self) -> SearchIndexFailed:
        return SearchIndexFailed(f"search: Pagefind did not answer within {self.timeout:g} s, "
                                 "and was stopped")

    def _stopping(self) -> IndexingStopped:
        """End the binary halfway through a bundle: it cannot be asked to drop one."""
        self._process.kill()
        return IndexingStopped()

    def _stopped(self) -> SearchIndexFailed:
        """The error for a binary that stopped: its exit status and its last words."""
        try:
            status = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            status = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read()[-2000:].decode("utf-8", "replace").strip()
        return SearchIndexFailed(f"search: Pagefind stopped unexpectedly (exit status {status})"
                                 + _detail(said))


def _detail(text: object) -> str:
    return f": {' '.join(str(text).split())}" if text else ""
