"""The actors registry (claimmap/data/actors.toml): who is who and which side they speak for.

Format (works for any conflict)::

    [[side]]     id, label, conflict, context (default true: whether naming this side's actors
                 shows that an article is about its conflict; false for outside parties)
    [[actor]]    canonical, side, kind, aliases = [...], roles = [...], ambiguous = [...]
                 (names that also denote something else: "Washington", "White House", "US";
                 they stand for the actor only written as listed, as a whole mention, and in an
                 article about the actor's conflict)
    [[conflict]] id, vocabulary = [...] (words that show an article is about the conflict),
                 min_evidence (how many mentions of its actors and vocabulary it takes)
    [mentions]   heads = [...] (words a name may carry after it and still be the speaker:
                 "Kremlin officials", "Norland's spokesman")

Extra registries are merged over the shipped one with the setting CLAIMMAP_ACTORS
(os.pathsep-separated TOML files); an actor whose canonical name is already known replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from claimmap import datafiles
from claimmap import config
from claimmap.errors import DataError

# Titles stripped from unknown speakers' names ("President Smith" -> "Smith").
TITLES = {
    "president", "prime", "minister", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.",
    "sen", "sen.", "senator", "rep", "rep.", "representative", "gov", "gov.", "governor",
    "gen", "gen.", "general", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "chancellor", "king", "queen", "prince", "sir", "lord", "mayor", "judge", "justice",
    "professor", "prof", "prof.", "foreign", "defence", "defense", "chairman", "chairwoman",
    "leader", "ambassador", "colonel", "col.", "captain", "capt.", "lt.", "sgt.", "speaker",
    "former", "candidate", "nominee", "deputy", "vice", "commissioner", "director", "chief",
}

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def norm(text: str) -> str:
    """Lower-case, unify quotes and whitespace, drop a leading article and possessive."""
    t = " ".join(text.translate(_QUOTES).split()).lower().strip(" ,.;:\"'()[]")
    t = re.sub(r"^(the|a|an)\s+", "", t)
    t = re.sub(r"'s$", "", t)
    return t


@dataclass
class Actor:
    canonical: str
    side: str | None = None
    kind: str = "organisation"
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # aliases that need context (see module doc)

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass
class Conflict:
    id: str
    vocabulary: list[str] = field(default_factory=list)
    min_evidence: int = 3


@dataclass
class Registry:
    sides: dict[str, dict] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)  # canonical -> actor
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    heads: set[str] = field(default_factory=set)  # [mentions] heads
    _alias_re: re.Pattern | None = None
    _alias_map: dict[str, str] = field(default_factory=dict)
    _role_map: dict[str, str] = field(default_factory=dict)

    def _index(self) -> None:
        self._alias_map = {}
        self._role_map = {}
        for actor in self.actors.values():
            for name in [actor.canonical, *actor.aliases]:
                self._alias_map.setdefault(norm(name), actor.canonical)
            for role in actor.roles:
                self._role_map.setdefault(norm(role), actor.canonical)
        names = sorted(self._alias_map, key=len, reverse=True)
        self._alias_re = re.compile(
            r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])"
        ) if names else None

    def find_all(self, mention: str) -> list[tuple[int, int, Actor]]:
        """Actors named in ``mention`` (longest alias first, whole words), as (start, end, actor)
        in the normalised mention text."""
        if self._alias_re is None:
            return []
        t = " ".join(mention.translate(_QUOTES).split()).lower()
        return [(m.start(), m.end(), self.actors[self._alias_map[m.group(1)]])
                for m in self._alias_re.finditer(t)]

    def by_alias(self, mention: str) -> Actor | None:
        name = self._alias_map.get(norm(mention))
        return self.actors[name] if name else None

    def by_role(self, mention: str) -> Actor | None:
        """The actor whose role matches ``mention`` ("the Kremlin spokesman"): exact, or the
        mention ends with a role of two or more words ("Russia's Kremlin spokesman")."""
        m = norm(mention)
        if m in self._role_map:
            return self.actors[self._role_map[m]]
        for role, name in self._role_map.items():
            # a one-word role ("commission") names the actor only as the whole mention: "the
            # Inner Mongolia health commission" is another commission
            if " " in role and m.endswith(" " + role):
                return self.actors[name]
        return None

    def side_of(self, canonical: str) -> str | None:
        a = self.actors.get(canonical)
        return a.side if a else None

    def conflict_of(self, side: str | None) -> str | None:
        """The conflict a side belongs to (its own id when the side names none)."""
        if side is None:
            return None
        return (self.sides.get(side) or {}).get("conflict") or side

    def is_ambiguous(self, actor: Actor, alias: str) -> bool:
        """Whether ``alias`` (normalised) is one of ``actor``'s context-dependent names."""
        return any(norm(a) == alias for a in actor.ambiguous)


def _merge(reg: Registry, data: dict, origin: str) -> None:
    for side in data.get("side") or []:
        if "id" not in side:
            raise DataError(f"{origin}: a [[side]] has no id")
        reg.sides[side["id"]] = side
    for a in data.get("actor") or []:
        if not a.get("canonical"):
            raise DataError(f"{origin}: an [[actor]] has no canonical name")
        ambiguous = list(a.get("ambiguous") or [])
        aliases = list(a.get("aliases") or [])
        reg.actors[a["canonical"]] = Actor(
            canonical=a["canonical"], side=a.get("side"), kind=a.get("kind", "organisation"),
            aliases=aliases + [x for x in ambiguous if x not in aliases],
            roles=list(a.get("roles") or []), ambiguous=ambiguous,
        )
    for c in data.get("conflict") or []:
        if not c.get("id"):
            raise DataError(f"{origin}: a [[conflict]] has no id")
        try:
            min_evidence = int(c.get("min_evidence", 3))
        except (TypeError, ValueError):
            raise DataError(f"{origin}: conflict {c['id']!r}: min_evidence must be an integer") from None
        old = reg.conflicts.get(c["id"])
        vocab = list(old.vocabulary) if old else []
        vocab += [v for v in c.get("vocabulary") or [] if v not in vocab]
        reg.conflicts[c["id"]] = Conflict(id=c["id"], vocabulary=vocab, min_evidence=min_evidence)
    reg.heads.update(norm(h) for h in (data.get("mentions") or {}).get("heads", []))
    for actor in reg.actors.values():
        if actor.side and actor.side not in reg.sides:
            raise DataError(f"{origin}: actor {actor.canonical!r} has unknown side {actor.side!r}")


@lru_cache(maxsize=8)
def _load(extra: str) -> Registry:
    reg = Registry()
    for origin, data in datafiles.layered("actors.toml", extra, "actors registry"):
        _merge(reg, data, origin)
    reg._index()
    return reg


def load() -> Registry:
    """The actors registry (shipped + CLAIMMAP_ACTORS), cached."""
    return _load(config.get("CLAIMMAP_ACTORS"))
