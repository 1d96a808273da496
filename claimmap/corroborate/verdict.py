"""Two-level verdicts from stance-labelled evidence (pure functions, no I/O).

Every evidence item carries two keys: ``family`` (its independence key: documents of one
syndication cluster, owner group, state side or wire relay share it, see
claimmap.outlets.families) and ``party`` (who asserts its content: the side group of the
speaker the sentence quotes, that speaker, or for the outlet's own voice the family). A claim
has ``claimant_keys``: the speaker's side group (``state:russia``), the speaker
(``speaker:Dmitry Peskov``) and the family of the article's content (a copy of Sputnik's story
is Sputnik's). An item is *independent* only if both its family and its party are outside
the claimant keys.

* ``said``: items that report the claim's speaker making the statement (stance agree with a
  third of the claim's words, or discuss repeating half of them: the speaker saying something
  else on the topic is not a report of this claim), and hedged relays of the claim ("reportedly", "according to", a question; a
  hedged ``discuss`` only when it names the speaker or repeats most of the claim's content
  words, else it is the topic, not the claim): a
  family outside the claimant keys confirms it -> ``corroborated``; only claimant-side
  families -> ``claimant_side_only``; an independent report of the speaker denying it ->
  ``contradicted`` (``disputed`` with a confirmation too); else ``unverified``.
* ``so``: items that do not merely report the speaker. An unhedged ``agree`` from an
  independent item confirms; at least ``min_confirm`` confirming families are needed. A
  ``disagree`` (the stance model abstains below its calibrated threshold, so a ``disagree`` is
  a confident one) from an item independent of the claimant contradicts when it is a party's
  stated denial (``stated``: its statement denies or rejects, in the sentence or the next ones)
  or when at least ``min_confirm`` independent families read as disagreeing (fewer: "too few to
  contradict": alone they leave the claim ``unverified``, beside enough confirmations they make
  it ``disputed``); a ``disagree`` from
  the claimant's own side or family never does (it is a relay of the claimant's own negative
  claim, or a misreading). Relays are never confirmations, so an independent debunk outweighs
  any number of them: ``contradicted``. Confirmations and contradictions together ->
  ``disputed``; agreement only from the claimant's side -> ``claimant_side_only``.

Each family counts once (counts are of distinct family keys), so a syndicated copy never counts
twice, and "nobody else confirms it" is ``unverified``, never "false". Every verdict level has
a ``confidence`` (noisy-OR of the calibrated stance probabilities of the families behind it;
for ``unverified`` one minus the strongest signal left unused) and the verdict a one-line
``reason`` a checker can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VALUES = ("corroborated", "contradicted", "disputed", "claimant_side_only", "unverified")
#: share of the claim's words a report of the speaker read as ``agree`` must repeat to count for
#: ``said`` ("U.S. says will hold Russia accountable" is not "U.S. says we don't seek conflict")
SAID_AGREE_OVERLAP = 1 / 3
#: confidence of an item whose stance came from a rule (a stored denial), not the model
RULE_CONFIDENCE = 0.9


@dataclass
class Item:
    family: str                   # independence key of the evidence document
    party: str                    # who asserts the evidence content
    stance: str                   # agree / disagree / discuss / unrelated
    reports_speaker: bool         # the sentence attributes the statement to the claim's speaker
    speaker_polarity: str | None = None  # polarity of that attributed statement
    confidence: float | None = None      # calibrated probability of ``stance`` (None: a rule's)
    hedged: bool = False                 # relays the claim with a hedge or as a question
    question: bool = False               # the evidence is put as a question (a doubt, not a denial)
    outlet: str | None = None            # display name of the outlet, for the reason
    who: str | None = None               # display name of the party quoted, for the reason
    relays_claim: bool = True            # names the speaker or repeats half the claim's words (a report
                                         # of the speaker: repeats them)
    stated: bool = False                 # a party's own denial (its statement's polarity), not a reading
    claim_overlap: float = 1.0           # share of the claim's content words the evidence repeats
    extra: dict = field(default_factory=dict)


def min_confirming() -> int:
    """Independent confirming families a ``corroborated`` needs (setting CLAIMMAP_MIN_CONFIRMING)."""
    from claimmap import config

    return max(1, config.get_int("CLAIMMAP_MIN_CONFIRMING"))


def independent(item: Item, claimant_keys: set[str]) -> bool:
    """Whether the item counts as independent of the claim's speaker for ``so``."""
    return not item.reports_speaker and item.family not in claimant_keys and item.party not in claimant_keys


def _combine(confirm: dict, contradict: dict, side_only: dict, *, min_confirm: int = 1) -> str:
    ok = len(confirm) >= min_confirm
    if ok and contradict:
        return "disputed"
    if ok:
        return "corroborated"
    if contradict:
        return "contradicted"
    if side_only:
        return "claimant_side_only"
    return "unverified"


def _noisy_or(ps) -> float:
    out = 1.0
    for p in ps:
        out *= 1.0 - min(0.999, max(0.0, p))
    return 1.0 - out


def _conf(it: Item) -> float:
    return RULE_CONFIDENCE if it.confidence is None else float(it.confidence)


def _add(group: dict, it: Item) -> None:
    """Keep each family once, with its strongest item."""
    cur = group.get(it.family)
    if cur is None or _conf(it) > _conf(cur):
        group[it.family] = it


def _level_confidence(value: str, confirm: dict, contradict: dict, side: dict, rest: list[Item]) -> float:
    if value == "corroborated":
        p = _noisy_or(_conf(i) for i in confirm.values())
    elif value == "contradicted":
        p = _noisy_or(_conf(i) for i in contradict.values())
    elif value == "disputed":
        p = min(_noisy_or(_conf(i) for i in confirm.values()), _noisy_or(_conf(i) for i in contradict.values()))
    elif value == "claimant_side_only":
        p = _noisy_or(_conf(i) for i in side.values())
    else:  # unverified: how sure that nothing left aside would decide it
        left = [_conf(i) for i in rest if i.stance in ("agree", "disagree")]
        left += [float(i.extra.get("signal", 0.0)) for i in rest]
        p = 1.0 - max(left, default=0.0)
    return round(p, 3)


def _names(group: dict, limit: int = 3, outlets: bool = False) -> str:
    """Who is behind a group, for the reason: the outlets (``outlets``: reports of the speaker,
    where the party quoted is the speaker) or the parties quoted, else their outlets."""
    names = list(dict.fromkeys((((i.outlet or i.who) if outlets else (i.who or i.outlet)) or "").strip()
                               for i in group.values()))
    names = [n for n in names if n][:limit]
    return f" ({', '.join(names)})" if names else ""


def _n(k: int, what: str) -> str:
    if k == 1:
        return f"1 {what}"
    consonant_y = what.endswith("y") and what[-2:-1] not in "aeiou"
    return f"{k} {what[:-1] + 'ies' if consonant_y else what + 's'}"


#: the reason's parts, in order: (group, noun counted, what it does, shown only without this group)
_REASON_PARTS = (
    ("said_ok", "independent family", "report {who} saying it", None),
    ("said_no", "family", "report {who} denying it", None),
    ("said_side", None, "only the claimant's side reports it", "said_ok"),
    ("so_ok", "independent family", "confirm it", None),
    ("so_no", "independent family", "contradict it", None),
    ("so_weak", "independent family", "read as disagreeing, too few to contradict", None),
    ("so_side", None, "only the claimant's side confirms it", "so_ok"),
    ("relays", "relay", "repeat it with a hedge (not a confirmation)", None),
    ("doubt", "question", "raise doubt about it (not a contradiction)", None),
    ("side_no", "claimant-side family", "read as disagreeing ignored", None),
)


def _reason(speaker: str | None, v: dict, g: dict, relays: dict, min_confirm: int = 1) -> str:
    groups = g | {"relays": relays}
    parts = []
    for key, noun, does, unless in _REASON_PARTS:
        if not groups[key] or (unless and groups[unless]) or (key.startswith("said") and v["said"] is None):
            continue
        text = does.format(who=speaker or "the claimant")
        names = "" if key in ("relays", "side_no", "doubt") else _names(groups[key], outlets=key.startswith("said"))
        short = key == "so_ok" and len(groups[key]) < min_confirm  # too few to corroborate
        parts.append((f"{_n(len(groups[key]), noun)} {text}" if noun else text) + names
                     + (f", {min_confirm} needed to corroborate" if short else "")
                     + (f" ({min_confirm} needed without a stated denial)" if key == "so_weak" else ""))
    if not parts:
        return "No evidence in the corpus speaks to it"
    s = "; ".join(parts)
    return s[0].upper() + s[1:]


def decide(items: list[Item], claimant_keys: set[str], *, narrated: bool = False,
           min_confirm: int = 1, speaker: str | None = None) -> dict:
    """{"said", "so", "counts", "confidence": {"said", "so"}, "reason"} for one claim;
    ``said`` is None for the narrator's own claims (see module doc)."""
    g: dict[str, dict] = {k: {} for k in ("said_ok", "said_side", "said_no", "so_ok", "so_side", "so_no",
                                          "side_no", "doubt")}
    relays: dict = {}
    used: set[int] = set()
    for n, it in enumerate(items):
        if it.stance == "unrelated":
            continue
        side = it.family in claimant_keys
        if it.reports_speaker:
            # the speaker saying *this*: the same claim (agree), or a report repeating it; the
            # speaker saying something else on the topic ("discuss", other words) is not it
            says_it = (it.stance == "agree" and it.claim_overlap >= SAID_AGREE_OVERLAP
                       or it.stance == "discuss" and it.relays_claim)
            if side:
                if says_it:
                    _add(g["said_side"], it)
                    used.add(n)
            elif it.speaker_polarity in ("deny", "reject") and it.stance == "disagree":
                _add(g["said_no"], it)
                used.add(n)
            elif says_it:
                _add(g["said_ok"], it)
                used.add(n)
            continue
        if it.stance == "discuss" and it.hedged:  # "X reportedly …": a relay, for said only
            if not it.relays_claim:  # same topic, hedged, but neither the speaker nor the claim
                continue
            _add(relays, it)
            _add(g["said_side"] if side else g["said_ok"], it)
            used.add(n)
        elif it.stance == "agree":
            if it.hedged:  # a relay: the claim was said, not that it is so
                _add(relays, it)
                _add(g["said_side"] if side else g["said_ok"], it)
            else:
                _add(g["so_ok"] if independent(it, claimant_keys) else g["so_side"], it)
            used.add(n)
        elif it.stance == "disagree":
            if it.question:  # "Was it a hoax?": a doubt, not a denial
                _add(g["doubt"], it)
            elif independent(it, claimant_keys):
                _add(g["so_no"], it)
            else:
                _add(g["side_no"], it)
            used.add(n)
    said = None if narrated else _combine(g["said_ok"], g["said_no"], g["said_side"])
    # a contradiction rests on a party's stated denial, or on as many independent families read as
    # disagreeing as a confirmation needs: one model reading alone is not enough to call a claim false
    if g["so_no"] and not any(it.stated for it in g["so_no"].values()) and len(g["so_no"]) < min_confirm:
        g["so_weak"], g["so_no"] = g["so_no"], {}
    else:
        g["so_weak"] = {}
    so = _combine(g["so_ok"], g["so_no"], g["so_side"], min_confirm=min_confirm)
    if so == "corroborated" and g["so_weak"]:  # too few to contradict, enough to doubt a confirmation
        so = "disputed"
    rest = [it for n, it in enumerate(items) if n not in used and it.stance != "unrelated"]
    rest += list(g["so_weak"].values())  # a signal left unused: it lowers an unverified's confidence
    v = {"said": said, "so": so}
    return v | {
        "counts": {"said_independent": len(g["said_ok"]), "said_claimant_side": len(g["said_side"]),
                   "said_denied": len(g["said_no"]), "so_agree_independent": len(g["so_ok"]),
                   "so_agree_claimant_side": len(g["so_side"]), "so_disagree": len(g["so_no"]),
                   "so_disagree_too_few": len(g["so_weak"]),
                   "relays": len(relays), "claimant_side_disagree_ignored": len(g["side_no"]),
                   "questions_doubting": len(g["doubt"])},
        "confidence": {
            "said": None if said is None else _level_confidence(said, g["said_ok"], g["said_no"], g["said_side"], rest),
            "so": _level_confidence(so, g["so_ok"] if len(g["so_ok"]) >= min_confirm else {}, g["so_no"] or g["so_weak"],
                                    g["so_side"], rest)},
        "reason": _reason(speaker, v, g, relays, min_confirm),
    }
