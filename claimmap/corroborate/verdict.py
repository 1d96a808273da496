"""Two-level verdicts from stance-labelled evidence (pure functions, no I/O).

Every evidence item carries two keys: ``family`` (its independence key: documents of one
syndication cluster, owner group or state side share it, see claimmap.outlets.families) and
``party`` (who asserts its content: the side group of the speaker the sentence quotes, that
speaker, or for the outlet's own voice the family). A claim has ``claimant_keys``: the speaker's
side group (``state:russia``), the speaker (``speaker:Dmitry Peskov``) and the family of the
article's content (a copy of Sputnik's story is Sputnik's).

* ``said``: items that report the claim's speaker making the statement (stance agree or
  discuss). A family not among the claimant keys confirms it -> ``corroborated``; only
  claimant-side families -> ``claimant_side_only``; an independent report of the speaker
  denying it -> ``contradicted`` (``disputed`` with a confirmation too); else ``unverified``.
* ``so``: items that do not merely report the speaker. ``agree`` from an item whose family and
  party are both outside the claimant keys corroborates; ``disagree`` from anyone contradicts;
  ``agree`` only from the claimant's side -> ``claimant_side_only``.

Each family counts once (counts are of distinct family keys), so a syndicated copy never counts
twice, and "nobody else confirms it" is ``unverified``, never "false".
"""

from __future__ import annotations

from dataclasses import dataclass, field

VALUES = ("corroborated", "contradicted", "disputed", "claimant_side_only", "unverified")


@dataclass
class Item:
    family: str                   # independence key of the evidence document
    party: str                    # who asserts the evidence content
    stance: str                   # agree / disagree / discuss / unrelated
    reports_speaker: bool         # the sentence attributes the statement to the claim's speaker
    speaker_polarity: str | None = None  # polarity of that attributed statement
    extra: dict = field(default_factory=dict)


def independent(item: Item, claimant_keys: set[str]) -> bool:
    """Whether the item counts as independent of the claim's speaker for ``so``."""
    return not item.reports_speaker and item.family not in claimant_keys and item.party not in claimant_keys


def _combine(confirm: set, contradict: set, side_only: set) -> str:
    if confirm and contradict:
        return "disputed"
    if confirm:
        return "corroborated"
    if contradict:
        return "contradicted"
    if side_only:
        return "claimant_side_only"
    return "unverified"


def decide(items: list[Item], claimant_keys: set[str], *, narrated: bool = False) -> dict:
    """{"said", "so", "counts"} for one claim; ``said`` is None for the narrator's own claims."""
    said_ok, said_side, said_no = set(), set(), set()
    so_ok, so_side, so_no = set(), set(), set()
    for it in items:
        if it.stance == "unrelated":
            continue
        if it.reports_speaker:
            if it.family in claimant_keys:
                if it.stance in ("agree", "discuss"):
                    said_side.add(it.family)
            elif it.speaker_polarity in ("deny", "reject") and it.stance == "disagree":
                said_no.add(it.family)
            elif it.stance in ("agree", "discuss"):
                said_ok.add(it.family)
            continue
        if it.stance == "agree":
            (so_ok if independent(it, claimant_keys) else so_side).add(it.family)
        elif it.stance == "disagree":
            so_no.add(it.family)
    return {
        "said": None if narrated else _combine(said_ok, said_no, said_side),
        "so": _combine(so_ok, so_no, so_side),
        "counts": {"said_independent": len(said_ok), "said_claimant_side": len(said_side),
                   "said_denied": len(said_no), "so_agree_independent": len(so_ok),
                   "so_agree_claimant_side": len(so_side), "so_disagree": len(so_no)},
    }
