"""Text made from an object, kept while that very object lives on."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable


class PerObject:
    """Text made from objects, looked up by a kind and the object's identity, which is cheap to
    hash where a whole event is not; the object kept beside the text proves its id was not
    reused. Unchanged events stay the same objects from rebuild to rebuild, so what was made of
    them is made once: a list item, an export's part."""

    def __init__(self) -> None:
        self._texts: dict[tuple[Hashable, int], tuple[object, str]] = {}

    def get(self, kind: Hashable, thing: object, make: Callable[[object], str]) -> str:
        key = (kind, id(thing))
        kept = self._texts.get(key)
        if kept is not None and kept[0] is thing:
            return kept[1]
        text = make(thing)
        self._texts[key] = (thing, text)
        return text

    def seed(self, kind: Hashable, thing: object, text: str) -> None:
        """Take text made earlier (by another run) for an object equal to the one it was made of."""
        self._texts[(kind, id(thing))] = (thing, text)

    def items(self) -> list[tuple[Hashable, object, str]]:
        return [(kind, thing, text) for (kind, _id), (thing, text) in self._texts.items()]

    def prune(self, live: Collection[object]) -> None:
        """Forget what was made of objects gone, once it could take real memory."""
        # Sized up before the ids are gathered: the dev server calls this at every save.
        if len(self._texts) > 4 * len(live) + 100:
            ids = {id(thing) for thing in live}
            self._texts = {key: kept for key, kept in self._texts.items() if key[1] in ids}
