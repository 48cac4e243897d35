"""Text made from an object, kept while that very object lives on."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, Generic, TypeVar

# A list item is text; an export's part, bytes ready to write.
Text = TypeVar("Text", str, bytes)


class PerObject(Generic[Text]):
    """Text made from objects, looked up by a kind and the object's identity, which is cheap to
    hash where a whole event is not; the object kept beside the text proves its id was not
    reused. Unchanged events stay the same objects from rebuild to rebuild, so what was made of
    them is made once: a list item, an export's part."""

    def __init__(self) -> None:
        self._texts: dict[tuple[Hashable, int], tuple[object, Text]] = {}
        self.made: set[int] = set()  # the ids of objects that text was made of here, not seeded
        self._kinds: set[Hashable] = set()

    def get(self, kind: Hashable, thing: Any, make: Callable[[Any], Text]) -> Text:
        key = (kind, id(thing))
        kept = self._texts.get(key)
        if kept is not None and kept[0] is thing:
            return kept[1]
        text = make(thing)
        self._texts[key] = (thing, text)
        self.made.add(id(thing))
        self._kinds.add(kind)
        return text

    def seed(self, kind: Hashable, thing: object, text: Text) -> None:
        """Take text made earlier (by another run) for an object equal to the one it was made of."""
        self._texts[(kind, id(thing))] = (thing, text)
        self._kinds.add(kind)

    def seed_all(self, texts: Iterable[tuple[Hashable, object, Text]]) -> None:
        """`seed` for each of `texts`, (kind, object, text): a build takes tens of thousands."""
        before = len(self._texts)
        self._texts.update(((kind, id(thing)), (thing, text)) for kind, thing, text in texts)
        if len(self._texts) > before:
            self._kinds.update(kind for kind, _number in self._texts)

    def items(self, of: Collection[int]) -> list[tuple[Hashable, object, Text]]:
        """The texts made of the objects whose ids are in `of`."""
        if len(of) * len(self._kinds) < len(self._texts):  # the few of a build after an edit
            found = ((kind, self._texts.get((kind, number)))
                     for number in of for kind in self._kinds)
            return [(kind, kept[0], kept[1]) for kind, kept in found if kept is not None]
        return [(kind, thing, text) for (kind, number), (thing, text) in self._texts.items()
                if number in of]

    def prune(self, live: Collection[object]) -> None:
        """Forget what was made of objects gone, once it could take real memory."""
        # Sized up before the ids are gathered: the dev server calls this at every save.
        if len(self._texts) > 4 * len(live) + 100:
            ids = {id(thing) for thing in live}
            self._texts = {key: kept for key, kept in self._texts.items() if key[1] in ids}
            self.made &= ids
