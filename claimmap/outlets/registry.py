"""The outlet registry (claimmap/data/outlets.toml): who publishes a URL, who owns it, and which
state, if any, stands behind it.

Extra registries in the same format are merged over the shipped one with the setting
CLAIMMAP_OUTLETS (os.pathsep-separated TOML paths): an entry whose id is already known is merged
field by field over it (so ``id = "rt"`` plus ``owner = "…"`` changes only the owner); a new id
adds an outlet. The merged registry is validated; problems raise ``claimmap.errors.DataError``
naming the entry and the file it came from.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import unquote, urlsplit

from claimmap import config
from claimmap.errors import DataError

STATE_AFFILIATIONS: tuple[str, ...] = ("state", "public", "none", "unknown")
KINDS: tuple[str, ...] = (
    "wire", "newspaper", "broadcaster", "magazine", "online", "aggregator", "alternative",
)
# Host prefixes that denote the same site (www2., amp., m., mobile.).
STRIP_PREFIXES: tuple[str, ...] = ("www.", "www1.", "www2.", "www3.", "amp.", "m.", "mobile.")

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str, "name": str, "aliases": list, "domains": list, "country": str, "owner": str,
    "state_affiliation": str, "state": str, "side": str, "wire": bool, "kind": str,
    "designations": list, "sources": list, "notes": str,
}
_REQUIRED = ("id", "name", "domains", "country", "state_affiliation", "sources")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_CC_RE = re.compile(r"^[A-Z]{2}$")
_SIDE_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$")


@dataclass(frozen=True)
class Outlet:
    """One publisher. ``owner`` is "" when not public record (then the outlet is its own group)."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    country: str = ""
    owner: str = ""
    state_affiliation: str = "unknown"
    state: str = ""
    side: str = ""
    wire: bool = False
    kind: str = ""
    aliases: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""
    origin: str = field(default="outlets.toml", compare=False)  # file the entry came from

    @property
    def state_controlled(self) -> bool:
        return self.state_affiliation == "state"

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "domains": list(self.domains),
            "country": self.country, "owner": self.owner,
            "state_affiliation": self.state_affiliation, "state": self.state, "side": self.side,
            "wire": self.wire, "kind": self.kind, "aliases": list(self.aliases),
            "designations": list(self.designations), "sources": list(self.sources),
            "notes": self.notes,
        }


# --------------------------------------------------------------------------------------------
# normalisation helpers
# --------------------------------------------------------------------------------------------

def normalize_name(name: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive key for names ("RIA-Novosti" ==
    "ria novosti"; "Agence France-Presse" == "agence france presse"). Non-Latin letters are kept."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.replace("_", " ").split())


def normalize_domain(domain: str) -> str:
    d = domain.strip().lower().rstrip(".")
    try:
        d = d.encode("idna").decode("ascii") if not d.isascii() else d
    except UnicodeError:
        pass
    changed = True
    while changed:
        changed = False
        for prefix in STRIP_PREFIXES:
            if d.startswith(prefix) and d.count(".") >= 2:
                d = d[len(prefix):]
                changed = True
    return d


def url_host(url: str) -> str | None:
    """The normalised host of a URL ("https://amp.www.BBC.co.uk:443/x" -> "bbc.co.uk"); accepts
    bare hosts ("news.sky.com") and Google AMP cache / AMP viewer URLs."""
    if not url or not isinstance(url, str):
        return None
    raw = url.strip()
    if "://" not in raw and not raw.startswith("//"):
        raw = "//" + raw
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    # Google AMP viewer: https://www.google.com/amp/s/www.reuters.com/...
    if host.endswith("google.com") and parts.path.startswith("/amp/"):
        rest = parts.path[len("/amp/"):]
        if rest.startswith("s/"):
            rest = rest[2:]
        inner = url_host(unquote(rest))
        if inner:
            return inner
    # AMP cache: www-reuters-com.cdn.ampproject.org ("-" = ".", "--" = "-")
    if host.endswith(".cdn.ampproject.org"):
        label = host[: -len(".cdn.ampproject.org")]
        decoded = label.replace("--", "\x00").replace("-", ".").replace("\x00", "-")
        host = decoded
    return normalize_domain(host)


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------

class Registry:
    """All known outlets, indexed by id, domain and name."""

    def __init__(self, outlets: Iterable[Outlet], side_groups: dict[str, str] | None = None):
        self.outlets: dict[str, Outlet] = {}
        self.side_groups: dict[str, str] = dict(side_groups or {})
        self._problems: list[str] = []
        for o in outlets:
            if o.id in self.outlets:
                self._problems.append(
                    f"duplicate outlet id {o.id!r} ({self.outlets[o.id].origin} and {o.origin})")
            self.outlets[o.id] = o
        self._domains: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for o in self.outlets.values():
            for d in o.domains:
                nd = normalize_domain(d)
                other = self._domains.get(nd)
                if other and other != o.id:
                    self._problems.append(
                        f"domain {nd!r} registered by both outlet {other!r} and outlet {o.id!r}")
                self._domains.setdefault(nd, o.id)
        for o in self.outlets.values():
            for n in {normalize_name(x) for x in (o.name, o.id, *o.aliases) if x}:
                other = self._names.get(n)
                if other and other != o.id:
                    self._problems.append(
                        f"name or alias {n!r} used by both outlet {other!r} and outlet {o.id!r}")
                self._names.setdefault(n, o.id)

    # -- container protocol ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets.values())

    def __contains__(self, outlet_id: object) -> bool:
        return outlet_id in self.outlets

    def get(self, outlet_id: str | None) -> Outlet | None:
        return self.outlets.get(outlet_id) if outlet_id else None

    # -- lookups -----------------------------------------------------------------------------
    def lookup_host(self, host: str | None) -> Outlet | None:
        """Longest registered suffix of ``host`` ("news.sky.com" -> sky.com's outlet)."""
        if not host:
            return None
        host = normalize_domain(host)
        labels = host.split(".")
        for i in range(len(labels) - 1):  # never match a bare TLD
            oid = self._domains.get(".".join(labels[i:]))
            if oid:
                return self.outlets[oid]
        return None

    def lookup_url(self, url: str | None) -> Outlet | None:
        """The outlet publishing ``url`` (scheme optional), or None when not registered."""
        return self.lookup_host(url_host(url)) if url else None

    def lookup_name(self, name: str | None) -> Outlet | None:
        """Case-insensitive match of an outlet's name, id or alias ("TASS", "Sputnik", "the
        Associated Press"); a leading "the" and trailing "news agency" are optional."""
        if not name:
            return None
        key = normalize_name(name)
        if not key:
            return None
        candidates = [key]
        if key.startswith("the "):
            candidates.append(key[4:])
        for c in list(candidates):
            for suffix in (" news agency", " agency", " news"):
                if c.endswith(suffix) and len(c) > len(suffix):
                    candidates.append(c[: -len(suffix)])
        for c in candidates:
            oid = self._names.get(c)
            if oid:
                return self.outlets[oid]
        return None

    # -- groups ------------------------------------------------------------------------------
    def owner_group(self, outlet: Outlet | str) -> str:
        """The group an outlet belongs to by ownership: its owner, normalised and without
        parenthetical remarks ("BBC (public corporation)" -> "bbc"), else the outlet's id."""
        o = self.outlets.get(outlet) if isinstance(outlet, str) else outlet
        if o is None:
            return str(outlet)
        group = normalize_name(re.sub(r"\([^()]*\)", " ", o.owner)) or normalize_name(o.owner)
        return group or o.id

    def state_group(self, outlet: Outlet | str) -> str | None:
        """The state/side group of a state-controlled (or side-aligned) outlet: the side's group
        from [side_groups] (e.g. "russia"), else "state:<CC>"; None for public-service and
        private outlets without a side (they are grouped only by owner)."""
        o = self.outlets.get(outlet) if isinstance(outlet, str) else outlet
        if o is None:
            return None
        if o.side:
            return self.side_groups.get(o.side, o.side)
        if o.state_affiliation == "state" and o.state:
            return f"state:{o.state}"
        return None

    # -- validation --------------------------------------------------------------------------
    def problems(self) -> list[str]:
        out = list(self._problems)
        for o in self.outlets.values():
            out.extend(_check_outlet(o))
        for side, group in self.side_groups.items():
            if not isinstance(group, str) or not group:
                out.append(f"[side_groups] {side!r} must map to a non-empty string")
        return out

    def validate(self) -> Registry:
        """Raise DataError listing every problem (first few shown), else return self."""
        problems = self.problems()
        if problems:
            shown = "; ".join(problems[:5])
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise DataError(f"outlet registry is invalid: {shown}{more}")
        return self


def _check_outlet(o: Outlet) -> list[str]:
    where = f"outlet {o.id!r} ({o.origin})"
    out: list[str] = []
    if not _ID_RE.match(o.id):
        out.append(f"{where}: id must match [a-z0-9_]+")
    if not o.name.strip():
        out.append(f"{where}: name is empty")
    if not _CC_RE.match(o.country or ""):
        out.append(f"{where}: country {o.country!r} is not an ISO 3166-1 alpha-2 code")
    if o.state_affiliation not in STATE_AFFILIATIONS:
        out.append(f"{where}: state_affiliation {o.state_affiliation!r} is not one of "
                   f"{', '.join(STATE_AFFILIATIONS)}")
    if o.state_affiliation in ("state", "public"):
        if not _CC_RE.match(o.state or ""):
            out.append(f"{where}: state_affiliation {o.state_affiliation!r} needs state "
                       f"(ISO country code), got {o.state!r}")
    elif o.state and not _CC_RE.match(o.state):
        out.append(f"{where}: state {o.state!r} is not an ISO 3166-1 alpha-2 code")
    if o.side and not _SIDE_RE.match(o.side):
        out.append(f"{where}: side {o.side!r} must match [a-z0-9_]+")
    if o.kind and o.kind not in KINDS:
        out.append(f"{where}: kind {o.kind!r} is not one of {', '.join(KINDS)}")
    for d in o.domains:
        if not _DOMAIN_RE.match(normalize_domain(d)):
            out.append(f"{where}: {d!r} is not a domain name (no scheme or path)")
    if not [s for s in o.sources if s.strip()]:
        out.append(f"{where}: sources is empty (cite where the facts come from)")
    return out


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------

def _parse(text: str, origin: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"outlet registry {origin} is not valid TOML: {exc}") from None


def _read_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise DataError(f"cannot read outlet registry {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DataError(f"outlet registry {path} is not UTF-8") from None
    return _parse(text, path)


def _entries(data: dict, origin: str) -> list[dict]:
    unknown = set(data) - {"outlet", "side_groups"}
    if unknown:
        raise DataError(f"outlet registry {origin}: unknown table(s) {', '.join(sorted(unknown))} "
                        "(expected [[outlet]] and [side_groups])")
    entries = data.get("outlet", [])
    if not isinstance(entries, list):
        raise DataError(f"outlet registry {origin}: 'outlet' must be an array of tables [[outlet]]")
    for i, e in enumerate(entries):
        label = f"entry #{i + 1}" + (f" (id {e.get('id')!r})" if isinstance(e, dict) and "id" in e else "")
        if not isinstance(e, dict):
            raise DataError(f"outlet registry {origin}: {label} is not a table")
        if not isinstance(e.get("id"), str) or not e["id"].strip():
            raise DataError(f"outlet registry {origin}: {label} has no id")
        for key, value in e.items():
            expected = _FIELDS.get(key)
            if expected is None:
                raise DataError(f"outlet registry {origin}: outlet {e['id']!r} has unknown field "
                                f"{key!r} (known: {', '.join(_FIELDS)})")
            if not isinstance(value, expected):
                raise DataError(f"outlet registry {origin}: outlet {e['id']!r} field {key!r} must "
                                f"be a {expected.__name__}, got {type(value).__name__}")
            if expected is list and not all(isinstance(v, str) for v in value):
                raise DataError(f"outlet registry {origin}: outlet {e['id']!r} field {key!r} must "
                                "be a list of strings")
    return entries


def _build(raw: dict, origin: str) -> Outlet:
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise DataError(f"outlet registry {origin}: outlet {raw['id']!r} is missing required "
                        f"field(s) {', '.join(missing)}")
    return Outlet(
        id=raw["id"].strip(),
        name=raw["name"].strip(),
        domains=tuple(normalize_domain(d) for d in raw["domains"]),
        country=raw["country"].strip(),
        owner=raw.get("owner", "").strip(),
        state_affiliation=raw["state_affiliation"].strip(),
        state=raw.get("state", "").strip(),
        side=raw.get("side", "").strip(),
        wire=raw.get("wire", False),
        kind=raw.get("kind", "").strip(),
        aliases=tuple(a.strip() for a in raw.get("aliases", []) if a.strip()),
        designations=tuple(raw.get("designations", [])),
        sources=tuple(s.strip() for s in raw.get("sources", [])),
        notes=raw.get("notes", ""),
        origin=origin,
    )


def build_registry(layers: list[tuple[dict, str]]) -> Registry:
    """Merge parsed TOML layers (data, origin) in order; later layers override by id."""
    merged: dict[str, tuple[dict, str]] = {}
    side_groups: dict[str, str] = {}
    for data, origin in layers:
        sg = data.get("side_groups", {})
        if not isinstance(sg, dict):
            raise DataError(f"outlet registry {origin}: [side_groups] must be a table")
        side_groups.update(sg)
        seen: set[str] = set()
        for e in _entries(data, origin):
            oid = e["id"].strip()
            if oid in seen:
                raise DataError(f"outlet registry {origin}: duplicate outlet id {oid!r}")
            seen.add(oid)
            if oid in merged:
                base, _ = merged[oid]
                merged[oid] = ({**base, **e}, origin)
            else:
                merged[oid] = (dict(e), origin)
    return Registry([_build(raw, origin) for raw, origin in merged.values()], side_groups)


def _shipped() -> tuple[dict, str]:
    try:
        text = resources.files("claimmap").joinpath("data/outlets.toml").read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"shipped outlet registry is missing: {exc}") from None
    return _parse(text, "outlets.toml"), "outlets.toml"


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> Registry:
    layers = [_shipped()] + [(_read_file(p), p) for p in extra]
    return build_registry(layers).validate()


def _split_paths(paths: str | os.PathLike | Iterable[str | os.PathLike] | None) -> tuple[str, ...]:
    if paths is None:
        paths = config.get("CLAIMMAP_OUTLETS")
    if isinstance(paths, (str, os.PathLike)):
        paths = str(paths).split(os.pathsep)
    return tuple(str(p) for p in paths if str(p).strip())


def load_registry(extra_paths: str | Iterable[str | os.PathLike] | None = None) -> Registry:
    """The shipped registry merged with ``extra_paths`` (default: the CLAIMMAP_OUTLETS setting),
    validated and cached per path list. Raises DataError on any problem."""
    return _load(_split_paths(extra_paths))


def clear_cache() -> None:
    _load.cache_clear()
