"""Options a command takes at most once. A second word for the same option, whether a repeat
(`band 0.5% band 1%`) or a contradiction (`once every`, `close intraday`), is refused with both
words named, never settled silently by whichever came last."""

from __future__ import annotations

from bot.errors import CommandError, shown


class GivenOnce:
    """The options one command has been given so far, each with the words that gave it."""

    def __init__(self, example: str) -> None:
        self.example = example
        self._given: dict[str, str] = {}

    def give(self, option: str, words: str) -> None:
        """Note that `words` give `option`, said as what they do ("set the band", "say how
        often the rule fires"); a CommandError naming both when earlier words gave it already."""
        earlier = self._given.get(option)
        if earlier is None:
            self._given[option] = words
            return
        if earlier.lower() == words.lower():
            raise CommandError(f"{shown(words)} is given twice: give it once", self.example)
        raise CommandError(
            f"{shown(earlier)} and {shown(words)} both {option}: keep one", self.example
        )
