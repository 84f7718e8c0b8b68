"""What a user typed, read as a query: words, quoted phrases, -exclusions and OR.

Nothing else is syntax.  Brackets, colons, stars, AND and NOT are ordinary
text, so no query can fail to parse.

>>> parse('"air strikes" Obama OR Hollande').groups
[[Clause(words=('air', 'strikes'), phrase=True)], [Clause(words=('Obama',), phrase=False), Clause(words=('Hollande',), phrase=False)]]
>>> parse('Syria -Russia').excluded
[Clause(words=('Russia',), phrase=False)]
"""

import re
from dataclasses import dataclass, field

from search.analysis import words

MAX_LENGTH = 500  # characters; a longer query is refused with a message

_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class QueryError(ValueError):
    """A query that cannot be run, with a message for the person who typed it."""


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    phrase: bool


@dataclass
class Query:
    groups: list[list[Clause]] = field(default_factory=list)  # all groups must match; any clause of a group
    excluded: list[Clause] = field(default_factory=list)

    def clauses(self) -> list[Clause]:
        return [clause for group in self.groups for clause in group]


def parse(text: str) -> Query:
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_LENGTH}")
    query = Query()
    join_next = False
    for match in _PIECE.finditer(text):
        quoted_minus, quoted, bare = match.groups()
        if bare == "OR":
            join_next = bool(query.groups)
            continue
        if bare is not None:
            exclude = bare.startswith("-") and len(bare) > 1
            found = tuple(w for w, _, _ in words(bare[1:] if exclude else bare))
            phrase = len(found) > 1  # anti-DAESH, U.S.: pieces that belong together
        else:
            exclude = quoted_minus == "-"
            found = tuple(w for w, _, _ in words(quoted))
            phrase = len(found) > 1
        if not found:
            continue
        clause = Clause(found, phrase)
        if exclude:
            query.excluded.append(clause)
        elif join_next:
            query.groups[-1].append(clause)
        else:
            query.groups.append([clause])
        join_next = False
    return query
