"""How a table of figures is laid out: its rows in the order of the wholes and their parts, each
with its depth and its relation to the row it hangs from; and what its caption names, made from
its rows (their measures here, their shared period in the template).

The data says what is part of what (``part_of``, to any depth) and what the source adds to a
figure rather than counts within it (``added_to``); a table prints every whole before its parts,
each part under its own whole, and a figure added to another under that one, said differently
("plus", not "of which").
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from etown.schema import Fact
from etown.units import UNITS

Relation = Literal["part", "added"]


@dataclass(frozen=True)
class Row:
    fact: Fact
    depth: int
    """0 for a figure on its own, 1 for a part of it (or a figure added to it), 2 for a part of
    that part, and so on."""
    relation: Relation | None
    """How the row hangs from the one it is printed under: a part of it, or added to it."""
    whole: Fact | None = None
    """The row it hangs from."""


def table_rows(facts: Iterable[Fact]) -> list[Row]:
    """``facts`` in the order a reader needs them: each figure in the order of the data, followed
    by its parts and then by the figures added to it, each of those followed by its own. A part
    whose whole is not in the table stands on its own."""
    listed = list(facts)
    present = {fact.id for fact in listed}
    below: dict[str, list[tuple[Relation, Fact]]] = {}
    tops: list[Fact] = []
    for fact in listed:
        above = fact.part_of or fact.added_to
        if above is not None and above in present and above != fact.id:
            below.setdefault(above, []).append(("part" if fact.part_of else "added", fact))
        else:
            tops.append(fact)
    for hanging in below.values():  # parts first, then what is added: "of which …", then "plus …"
        hanging.sort(key=lambda item: item[0] == "added")
    rows: list[Row] = []
    placed: set[str] = set()

    def place(fact: Fact, depth: int, relation: Relation | None, whole: Fact | None) -> Iterator[Row]:
        if fact.id in placed:  # a chain that comes back on itself: the check reports it
            return
        placed.add(fact.id)
        yield Row(fact, depth, relation, whole)
        for child_relation, child in below.get(fact.id, []):
            yield from place(child, depth + 1, child_relation, fact)

    for fact in tops:
        rows.extend(place(fact, 0, None, None))
    rows.extend(Row(fact, 0, None) for fact in listed if fact.id not in placed)  # only in a cycle
    return rows


def measures(facts: Iterable[Fact]) -> list[str]:
    """What the rows of a table measure, each once, in the order of the rows: the words of a
    caption made from them ("Area and population"), so that it can never name what is not there."""
    found: list[str] = []
    for fact in facts:
        measure = fact.measure or (UNITS[fact.value.unit].measure if fact.value is not None else None)
        if measure is not None and measure not in found:
            found.append(measure)
    return found
