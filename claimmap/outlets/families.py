"""Independence families: which documents are not independent of each other.

Two levels are kept apart:

* **Syndication** (``Families.copy_of``): one document is a copy of another story - its body is
  a near-duplicate (MinHash LSH over word shingles, see ``claimmap.outlets.minhash``) or it
  carries a copy credit line ("MOSCOW (Reuters) -", "Source: Sputnik", "originally published by
  RT"; patterns in ``claimmap/data/credit_lines.toml``). The origin is the document from the
  credited outlet when present, else the earliest published. A document that credits an outlet
  is a copy of that outlet's story even when the original is not in the set
  (``Families.copy_of_outlet``).
* **Independence** (``Families.independence_key``): documents with the same key are not
  independent sources for corroboration - same syndication cluster, same owner group, or
  state-controlled outlets of the same state/side (``[side_groups]`` in outlets.toml merges
  e.g. Russian government and separatist outlets). A copy counts as its origin outlet's content.

Citations inside a story ("TASS reported", "according to RIA Novosti", "(TASS)") are detected
and returned by ``detect_credits`` with kind "citation" but do not make the document a copy: they
attribute single claims. They do make a **relay** (``Families.relay_of``): a page from an outlet
that does no reporting of its own (not in the registry, or an aggregator / alternative site) that
credits wires or state outlets of exactly one independence family is that family's voice, so its
independence key is the credited outlet's ("state:russia" for a blog retelling TASS). Registered
newsrooms citing a wire keep their own key (``relay_sentence`` tells the claim-level stage
which single sentences credit a wire).

The analysed article (``group_families(..., analysed=doc_id)``) never wins a tie for the origin
of its syndication family: a member dated the same day or earlier is the origin, and when the
article credits an outlet, that outlet's member is preferred.

Callers pass the body-zone text only; boilerplate left in it is tolerated.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timezone
from functools import lru_cache

from claimmap import datafiles
from claimmap.errors import DataError
from claimmap.outlets.minhash import (
    LSH_THRESHOLD, MIN_SIZE_RATIO, NUM_PERM, SHINGLE_SIZE, THRESHOLD, LSHIndex, Signature,
)
from claimmap.outlets.registry import Outlet, Registry, load_registry, normalize_name, url_host

CREDIT_KINDS: tuple[str, ...] = ("copy", "contribution", "citation")
FAMILY_KINDS: tuple[str, ...] = ("syndication", "owner", "state")

# --------------------------------------------------------------------------------------------
# credit lines
# --------------------------------------------------------------------------------------------


@dataclass
class Credit:
    """A credit line found in a text: ``outlet`` (registry id) is credited as ``kind``."""

    outlet: str
    kind: str
    text: str
    start: int
    end: int
    pattern: str


@dataclass(frozen=True)
class CreditPattern:
    id: str
    regex: re.Pattern
    kind: str
    where: str = "any"
    window: int = 400
    anchor: str = "exact"
    outlet: str | None = None


def _compile_patterns(data: dict, origin: str) -> list[CreditPattern]:
    out: list[CreditPattern] = []
    seen: set[str] = set()
    for i, p in enumerate(data.get("pattern", [])):
        pid = p.get("id") or f"#{i + 1}"
        where = f"credit-line pattern {pid!r} ({origin})"
        if pid in seen:
            raise DataError(f"{where}: duplicate id")
        seen.add(pid)
        unknown = set(p) - {"id", "regex", "kind", "where", "window", "anchor", "outlet"}
        if unknown:
            raise DataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        try:
            rx = re.compile(p["regex"])
        except KeyError:
            raise DataError(f"{where}: missing regex") from None
        except re.error as exc:
            raise DataError(f"{where}: bad regex: {exc}") from None
        kind = p.get("kind")
        if kind not in CREDIT_KINDS:
            raise DataError(f"{where}: kind {kind!r} is not one of {', '.join(CREDIT_KINDS)}")
        if p.get("where", "any") not in ("start", "end", "any"):
            raise DataError(f"{where}: where must be start, end or any")
        if p.get("anchor", "exact") not in ("exact", "start", "end", "any"):
            raise DataError(f"{where}: anchor must be exact, start, end or any")
        if "outlet" not in rx.groupindex and not p.get("outlet"):
            raise DataError(f"{where}: needs a named group 'outlet' or an outlet id")
        out.append(CreditPattern(pid, rx, kind, p.get("where", "any"), int(p.get("window", 400)),
                                 p.get("anchor", "exact"), p.get("outlet")))
    return out


@lru_cache(maxsize=1)
def load_credit_patterns() -> tuple[CreditPattern, ...]:
    data = datafiles.shipped("credit_lines.toml", "credit-line patterns")
    return tuple(_compile_patterns(data, "credit_lines.toml"))


_TOKEN_RE = re.compile(r"[^\s,;:()\[\]\"“”«»]+")


def _resolve(registry: Registry, capture: str, anchor: str) -> tuple[Outlet, int, int] | None:
    """Find an outlet named by a run of words of ``capture`` (offsets relative to it)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(capture)]
    if not tokens:
        return None
    n = len(tokens)
    spans: list[tuple[int, int]] = []
    if anchor == "exact":
        spans = [(0, n)]
    elif anchor == "start":
        spans = [(0, j) for j in range(n, 0, -1)]
    elif anchor == "end":
        spans = [(i, n) for i in range(n)]
    else:
        spans = sorted(((i, j) for i in range(n) for j in range(i + 1, min(n, i + 6) + 1)),
                       key=lambda s: (-(s[1] - s[0]), s[0]))
    for i, j in spans:
        if j - i > 6:
            continue
        s, e = tokens[i][0], tokens[j - 1][1]
        phrase = capture[s:e].strip(".'’-–—|/")
        phrase = re.sub(r"['’]s$", "", phrase)
        if not phrase:
            continue
        outlet = registry.lookup_name(phrase)
        if outlet is None:
            continue
        exact = phrase in (outlet.name, *outlet.aliases)
        if not (phrase[0].isupper() or exact):
            continue
        return outlet, s, s + len(phrase)
    return None


def detect_credits(text: str, registry: Registry | None = None) -> list[Credit]:
    """Credit lines in ``text``, in text order (one per span; copies before citations when two
    patterns match the same place)."""
    registry = registry or load_registry()
    found: list[Credit] = []
    n = len(text)
    for p in load_credit_patterns():
        if p.where == "start":
            lo, hi = 0, min(n, p.window)
        elif p.where == "end":
            lo, hi = max(0, n - p.window), n
        else:
            lo, hi = 0, n
        chunk = text[lo:hi]
        for m in p.regex.finditer(chunk):
            if p.outlet:
                outlet = registry.get(p.outlet)
                if outlet is None:
                    continue
                s, e = m.span()
            else:
                cap = m.group("outlet")
                if cap is None:
                    continue
                res = _resolve(registry, cap, p.anchor)
                if res is None:
                    continue
                outlet, rs, re_ = res
                s, e = m.start("outlet") + rs, m.start("outlet") + re_
            found.append(Credit(outlet.id, p.kind, text[lo + s:lo + e], lo + s, lo + e, p.id))
    order = {k: i for i, k in enumerate(CREDIT_KINDS)}
    found.sort(key=lambda c: (c.start, order[c.kind]))
    out: list[Credit] = []
    for c in found:
        if out and out[-1].outlet == c.outlet and c.start < out[-1].end:
            continue  # same outlet at the same place, keep the stronger kind
        out.append(c)
    return out


def credits_key(registry: Registry | None = None) -> str:
    """A digest of everything ``detect_credits`` depends on (the credit-line patterns and the
    outlet registry): credits stored under another key are stale and are detected again."""
    registry = registry or load_registry()
    h = hashlib.sha256()
    for p in load_credit_patterns():
        h.update(repr((p.id, p.regex.pattern, p.kind, p.where, p.window, p.anchor,
                       p.outlet)).encode())
    for oid in sorted(registry.outlets):  # the entries' values, not the files they came from
        o = registry.outlets[oid]
        h.update(repr(tuple(getattr(o, f.name) for f in fields(o) if f.compare)).encode())
    h.update(repr(sorted(registry.side_groups.items())).encode())
    return h.hexdigest()[:32]


def credits_to_json(credits: list[Credit]) -> str:
    return json.dumps([[c.outlet, c.kind, c.text, c.start, c.end, c.pattern] for c in credits],
                      ensure_ascii=False)


def credits_from_json(raw: str) -> list[Credit]:
    return [Credit(*row) for row in json.loads(raw)]


# --------------------------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------------------------


@dataclass
class FamilyInput:
    """One document: its body-zone text, where it was published and when."""

    doc_id: str
    text: str
    url: str | None = None
    outlet: str | None = None     # registry id; looked up from url when None
    published: str | None = None  # ISO 8601 date or datetime


@dataclass
class Family:
    """Documents that are not independent of each other.

    kind "syndication": copies of one story; ``origin`` is the credited original (or the
    earliest published member when the credited original is not in the set),
    ``origin_outlet`` the outlet whose story it is.
    kind "owner" / "state": documents whose content comes from outlets of one owner group /
    one state side; ``origin`` is None. ``key`` is the shared independence key.
    """

    id: str
    kind: str
    members: list[str]
    origin: str | None = None
    origin_outlet: str | None = None
    key: str = ""
    outlets: list[str | None] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _has_time(raw: str | None) -> bool:
    return bool(raw) and len(raw.strip()) > 10 and raw.strip()[10] in "T t"


def _parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw.strip())
    except ValueError:
        try:
            d = date.fromisoformat(raw.strip()[:10])
        except ValueError:
            return None
        dt = datetime(d.year, d.month, d.day)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class Families(list):
    """The families of a document set (a list of Family) plus per-document answers:
    ``copy_of``, ``copy_of_outlet``, ``independence_key``, ``independent``."""

    def __init__(self, families: list[Family], *, copy_of: dict[str, str | None],
                 copy_of_outlet: dict[str, str | None], keys: dict[str, str],
                 outlets: dict[str, str | None], credits: dict[str, list[Credit]],
                 index: LSHIndex, relays: dict[str, str] | None = None,
                 own_keys: dict[str, str] | None = None):
        super().__init__(families)
        self._relays = dict(relays or {})
        self._own_keys = dict(own_keys or {})
        self._copy_of = copy_of
        self._copy_of_outlet = copy_of_outlet
        self._keys = keys
        self._outlets = outlets
        self._credits = credits
        self.index = index

    @staticmethod
    def _id(doc: str | FamilyInput) -> str:
        return doc.doc_id if isinstance(doc, FamilyInput) else doc

    def copy_of(self, doc: str | FamilyInput) -> str | None:
        """The doc_id this document is a copy of (its syndication origin), else None."""
        return self._copy_of[self._id(doc)]

    def copy_of_outlet(self, doc: str | FamilyInput) -> str | None:
        """The outlet whose story this document copies (credited or the origin's outlet), when
        that is not the document's own outlet; works when the original is not in the set."""
        return self._copy_of_outlet[self._id(doc)]

    def independence_key(self, doc: str | FamilyInput) -> str:
        """Same key = not independent of each other ("state:russia", "owner:thomson reuters",
        "syndication:<doc_id>", "site:<host>", "doc:<doc_id>"). A relay's key is the key of
        the outlet it relays (``relay_of``)."""
        return self._keys[self._id(doc)]

    def relay_of(self, doc: str | FamilyInput) -> str | None:
        """The registry id of the wire/state outlet this page relays (its first credit of
        that family), else None; see the module doc."""
        return self._relays.get(self._id(doc))

    def own_key(self, doc: str | FamilyInput) -> str:
        """The key the document would have without the relay rule (its own outlet's family)."""
        d = self._id(doc)
        return self._own_keys.get(d, self._keys[d])

    def independent(self, a: str | FamilyInput, b: str | FamilyInput) -> bool:
        return self.independence_key(a) != self.independence_key(b)

    def outlet(self, doc: str | FamilyInput) -> str | None:
        """The registry id of the outlet that published the document (None if unknown)."""
        return self._outlets[self._id(doc)]

    def credits(self, doc: str | FamilyInput) -> list[Credit]:
        return list(self._credits[self._id(doc)])

    def similarity(self, a: str | FamilyInput, b: str | FamilyInput) -> float:
        return self.index.similarity(self._id(a), self._id(b))

    def family_of(self, doc: str | FamilyInput, kind: str | None = None) -> list[Family]:
        d = self._id(doc)
        return [f for f in self if d in f.members and (kind is None or f.kind == kind)]

    def to_dict(self) -> dict:
        return {
            "families": [f.to_dict() for f in self],
            "documents": {
                d: {"outlet": self._outlets[d], "copy_of": self._copy_of[d],
                    "copy_of_outlet": self._copy_of_outlet[d], "independence_key": self._keys[d],
                    "relay_of": self._relays.get(d),
                    "credits": [asdict(c) for c in self._credits[d]]}
                for d in self._keys
            },
        }


def _same_group(registry: Registry, a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    oa, ob = registry.get(a), registry.get(b)
    return bool(oa and ob and registry.owner_group(oa) == registry.owner_group(ob))


def group_families(items: list[FamilyInput], registry: Registry | None = None, *,
                   threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
                   shingle_size: int = SHINGLE_SIZE, lsh_threshold: float = LSH_THRESHOLD,
                   min_size_ratio: float = MIN_SIZE_RATIO,
                   signatures: dict[str, Signature | bytes | list[int]] | None = None,
                   credits: dict[str, list[Credit]] | None = None,
                   analysed: str | None = None) -> Families:
    """Group documents into syndication and owner/state families (see module doc).

    ``signatures`` may supply stored MinHash signatures by doc_id (the text is then not
    re-shingled), ``credits`` stored ``detect_credits`` results by doc_id (valid only for this
    registry: see ``credits_key``). ``analysed`` is the doc_id of the article being analysed
    (it loses every same-day tie for the origin, and its own credit line names the origin
    outlet). Returns a ``Families`` list with per-document lookups."""
    registry = registry or load_registry()
    ids = [it.doc_id for it in items]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"duplicate doc_id {dup!r}")
    pos = {d: i for i, d in enumerate(ids)}

    # 1. outlets, dates, credits
    outlets: dict[str, str | None] = {}
    hosts: dict[str, str | None] = {}
    for it in items:
        o = registry.get(it.outlet) if it.outlet else registry.lookup_url(it.url)
        outlets[it.doc_id] = o.id if o else (it.outlet or None)
        hosts[it.doc_id] = url_host(it.url) if it.url else None
    dates = {it.doc_id: (_parse_date(it.published), _has_time(it.published)) for it in items}
    known = credits or {}
    credits = {it.doc_id: known[it.doc_id] if it.doc_id in known
               else detect_credits(it.text or "", registry) for it in items}
    credited: dict[str, str | None] = {}
    for d in ids:
        copy = [c.outlet for c in credits[d]
                if c.kind == "copy" and not _same_group(registry, c.outlet, outlets[d])]
        credited[d] = copy[0] if copy else None

    # 2. near-duplicates
    index = LSHIndex(threshold=threshold, num_perm=num_perm, shingle_size=shingle_size,
                     lsh_threshold=lsh_threshold, min_size_ratio=min_size_ratio)
    uf = _UnionFind()
    for it in items:
        sig = (signatures or {}).get(it.doc_id)
        if sig is not None:
            index.add(it.doc_id, signature=sig)
        else:
            index.add(it.doc_id, it.text or "")
    for d in ids:
        uf.find(d)
    for a, b, _sim in index.pairs():
        uf.union(a, b)
    clusters: dict[str, list[str]] = {}
    for d in ids:
        clusters.setdefault(uf.find(d), []).append(d)

    latest = datetime.max.replace(tzinfo=timezone.utc)

    def sort_key(d: str):
        # earliest day first; on one day a wire outlet first (date-only timestamps and clock
        # skew make times unreliable across sites), then the earlier known time, then input order
        # the analysed article loses every tie on the day: a stored member of that day (or an
        # undated one when the article is undated too) is the origin, never the article
        dt, timed = dates[d]
        o = registry.get(outlets[d])
        return (dt is None, dt.date() if dt else latest.date(), d == analysed,
                not (o and o.wire), dt if (dt and timed) else latest, pos[d])

    # 3. syndication families and origins
    families: list[Family] = []
    copy_of: dict[str, str | None] = {d: None for d in ids}
    content_outlet: dict[str, str | None] = dict(outlets)
    content_host: dict[str, str | None] = dict(hosts)
    copy_of_outlet: dict[str, str | None] = {d: None for d in ids}
    syn_of: dict[str, str] = {}
    for members in sorted(clusters.values(), key=lambda m: pos[m[0]]):
        members = sorted(members, key=pos.__getitem__)
        credited_outlets = [credited[d] for d in sorted(members, key=sort_key) if credited[d]]
        if analysed in members and credited[analysed]:  # the article's own credit line first
            credited_outlets.insert(0, credited[analysed])
        src = credited_outlets[0] if credited_outlets else None
        if len(members) == 1 and not src:
            continue
        origin = None
        reason = "near-duplicate bodies"
        if src:
            from_src = [d for d in members if _same_group(registry, outlets[d], src)
                        and not credited[d]]
            origin = min(from_src, key=sort_key) if from_src else None
            reason = (f"credited to {src}" if len(members) == 1
                      else f"near-duplicate bodies credited to {src}")
        if origin is None and len(members) > 1:
            origin = min(members, key=sort_key)  # representative of an absent original
        origin_outlet = src or (outlets[origin] if origin else None)
        rep = origin or members[0]
        for d in members:
            syn_of[d] = rep
            if origin and d != origin:
                copy_of[d] = origin
            content_outlet[d] = origin_outlet
            content_host[d] = hosts[rep]
            if origin_outlet and not _same_group(registry, origin_outlet, outlets[d]):
                copy_of_outlet[d] = origin_outlet
        families.append(Family(
            id=f"syndication:{rep}", kind="syndication", members=members, origin=origin,
            origin_outlet=origin_outlet, outlets=[outlets[d] for d in members], reason=reason))

    # 4. independence: union documents through syndication, owner group and state side
    iu = _UnionFind()
    labels: dict[str, tuple[int, str]] = {}

    def node(label: str, prio: int) -> str:
        labels[label] = (prio, label)
        return label

    for d in ids:
        iu.find("doc:" + d)
        labels.setdefault("doc:" + d, (3, "doc:" + d))
        if d in syn_of:
            iu.union("doc:" + d, node("syndication:" + syn_of[d], 2))
        co = registry.get(content_outlet[d])
        if co is not None:
            iu.union("doc:" + d, node("owner:" + registry.owner_group(co), 1))
            sg = registry.state_group(co)
            if sg:
                iu.union("doc:" + d, node("state:" + sg.removeprefix("state:"), 0))
        elif content_outlet[d]:
            iu.union("doc:" + d, node("owner:" + normalize_name(content_outlet[d]), 1))
        elif content_host[d]:
            iu.union("doc:" + d, node("site:" + content_host[d], 1))
    comp_label: dict[str, tuple[int, str]] = {}
    for lab, pr in labels.items():
        root = iu.find(lab)
        if root not in comp_label or pr < comp_label[root]:
            comp_label[root] = pr
    keys = {d: comp_label[iu.find("doc:" + d)][1] for d in ids}

    # 5. relays: a page of an outlet without reporting of its own that credits wires/state
    #    outlets of one family speaks for that family
    def outlet_key(oid: str) -> str:
        o = registry.get(oid)
        sg = registry.state_group(o) if o else None
        cands = (["state:" + sg.removeprefix("state:")] if sg else []) + [
            "owner:" + (registry.owner_group(o) if o else normalize_name(oid))]
        for lab in cands:
            if lab in labels:
                return comp_label[iu.find(lab)][1]
        return cands[0]

    relays: dict[str, str] = {}
    own_keys: dict[str, str] = {}
    for d in ids:
        o = registry.get(outlets[d])
        if (o is not None and o.kind not in RELAY_OUTLET_KINDS) or copy_of_outlet[d]:
            continue
        wires = [c.outlet for c in credits[d] if is_relayed_outlet(registry, c.outlet)
                 and not _same_group(registry, c.outlet, outlets[d])]
        wkeys = {outlet_key(w) for w in wires}
        if len(wkeys) == 1 and keys[d] not in wkeys:
            relays[d] = wires[0]
            own_keys[d] = keys[d]
            keys[d] = wkeys.pop()

    # the owner/state families list each document under its own key (a relay's key says whose
    # voice it is when evidence is weighed; the stored families stay what the Spark batch
    # computes, claimmap.batch.families)
    groups: dict[str, list[str]] = {}
    for d in ids:
        groups.setdefault(own_keys.get(d, keys[d]), []).append(d)
    syn_sets = {frozenset(f.members) for f in families}
    for key, members in groups.items():
        if len(members) < 2 or frozenset(members) in syn_sets:
            continue
        kind = "state" if key.startswith("state:") else "owner"
        reason = ("state-affiliated outlets of one state/side" if kind == "state"
                  else "outlets of one owner group")
        families.append(Family(id=key, kind=kind, members=members, key=key,
                               outlets=[outlets[d] for d in members], reason=reason))
    for f in families:
        if f.kind == "syndication":
            f.key = own_keys.get(f.members[0], keys[f.members[0]])
    return Families(families, copy_of=copy_of, copy_of_outlet=copy_of_outlet, keys=keys,
                    outlets=outlets, credits=credits, index=index, relays=relays,
                    own_keys=own_keys)


#: registry kinds of outlets whose pages can be relays (no reporting of their own); an outlet
#: not in the registry can be one too
RELAY_OUTLET_KINDS: tuple[str, ...] = ("aggregator", "alternative")


def is_relayed_outlet(registry: Registry, outlet_id: str | None) -> bool:
    """A wire or a state-controlled outlet: the sources whose relays are not independent."""
    o = registry.get(outlet_id)
    return bool(o and (o.wire or o.state_affiliation == "state"))


def relay_sentence(text: str, registry: Registry | None = None) -> str | None:
    """The registry id of the wire or state outlet a single sentence credits ("…, TASS
    reported", "according to Sputnik, …", "… (RIA Novosti)"), else None: for evidence read
    sentence by sentence, where the sentence, not the page, relays the outlet."""
    registry = registry or load_registry()
    for c in detect_credits(text, registry):
        if is_relayed_outlet(registry, c.outlet):
            return c.outlet
    return None
