"""Corroborate: for each claim of an analysed article, find coverage in the corpus, label each
evidence item's stance, group the evidence into independence families and give the two-level
verdict (see :mod:`claimmap.corroborate.verdict`).

Public API::

    corroborate(report, store, *, window_days=None, embedder=..., stance=None,
                relevance_embedder=None) -> report
        sets report.document.copy_of / copy_of_outlet and report.extras["verdicts"]

Steps: (1) is the article itself a copy? its longest body sentences are looked up in the
corpus and the hits' documents grouped with the article (MinHash near-duplicates + credit
lines); (2) claims = the article's trusted attributed statements (header and body zones), plus
narrated ones a checker would want verified (check-worthiness >= 0.5), most check-worthy
first; (3) per claim: hybrid retrieval in the date window, stance of (claim content, evidence
sentence with its neighbours), families of the evidence documents together with the article,
then :func:`verdict.decide`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import lru_cache

from claimmap.corpus.store import Store, content_hash
from claimmap.corroborate.retrieve import Candidate, retrieve, run_summary, split_assessable, window
from claimmap.corroborate.verdict import VALUES, Item, decide, independent, min_confirming

__all__ = ["VALUES", "corroborate"]

log = logging.getLogger(__name__)
ARTICLE = "article"
ARTICLE_ZONES = ("header", "body")
MAX_CLAIMS = 40
NARRATED_MIN_CHECKWORTHINESS = 0.5
#: share of the claim's content words an evidence sentence must contain to be about the same
#: proposition (the stance model, trained on whole articles, calls most same-topic text related)
MIN_RELEVANCE = 0.5
#: with sentence embeddings (the relevance embedder, CLAIMMAP_RELEVANCE_EMBEDDER: MiniLM by
#: default), cosine similarity gate instead
MIN_COSINE = 0.6

StanceFn = Callable[[list[tuple[str, str]]], list[dict]]


def _relevance_embedder(report, choice, embedder):
    """The embedder of the relevance gate (see ``corroborate``), or None for the lexical gate."""
    if choice is False:
        return None
    if choice is not None:
        return choice
    from claimmap import config

    name = config.get("CLAIMMAP_RELEVANCE_EMBEDDER").strip()
    if name in ("", "corpus") or (embedder is not None and getattr(embedder, "name", None) == name):
        return embedder
    from claimmap.corpus.embed import get_embedder

    try:
        return get_embedder(name)
    except Exception as exc:  # noqa: BLE001  no model or no torch: lexical gate, said plainly
        report.warnings.append(f"corroboration: relevance by word overlap ({str(exc).splitlines()[0]})")
        return None


def _article_body(report) -> str:
    text = report.document.text
    return "\n".join(text[z.start:z.end] for z in report.zones if z.kind == "body")


def _claims(report) -> list:
    from claimmap.stance.select import content_words

    zones = {z.id for z in report.zones if z.kind in ARTICLE_ZONES}
    out = []
    for st in report.statements:
        # only statements a report would show (confidence at CLAIMMAP_STATEMENT_THRESHOLD)
        if not st.trusted or st.zone not in zones or len(content_words(st.content.text)) < 2:
            continue
        if st.kind == "narrated" and (st.checkworthiness or 0) < NARRATED_MIN_CHECKWORTHINESS:
            continue
        out.append(st)
    out.sort(key=lambda s: -(s.checkworthiness or 0))
    return out[:MAX_CLAIMS]


#: a leading subject pronoun that stands for the speaker (not an expletive "it is likely that")
_LEADING_PRONOUN = re.compile(
    r"^(\s*[“\"‘']?\s*)(it|they|he|she|we|i)\b(?!\s+(?:is|was|'s|’s|would be|will be|has been)\s+"
    r"(?:\w+\s+)?(?:that|to|likely|unlikely|unclear|clear|possible|impossible|important|necessary|"
    r"time|true|false|hard|difficult|easy|too)\b)(?=\s)", re.I)


def claim_text(st) -> str:
    """The text a claim is searched and judged by: its content, with a leading subject pronoun
    that stands for the speaker replaced by the speaker's name ("the Kremlin said it is ready
    for talks" -> "Kremlin is ready for talks"; "Peskov said he had …" -> "Dmitry Peskov had …"),
    so that a report naming the speaker ("Putin ready for talks: Kremlin") is found and read as
    the same claim. An expletive "it" ("it is likely that …") and the narrator's claims stay."""
    text = st.content.text
    sp = st.speaker
    if st.kind == "narrated" or sp is None or not sp.canonical:
        return text
    m = _LEADING_PRONOUN.match(text)
    return m.group(1) + sp.canonical + text[m.end():] if m else text


#: words added to the denial query form
DENIAL_WORDS = "denied rejected false"


def query_forms(content: str, speaker: str = "") -> list[str]:
    """The retrieval queries of one claim (recall: one query per claim found a fifth of the
    relevant pages): the content with the speaker; the content alone; its named entities and
    nouns (the event, however it is worded); and a denial form (those terms with "denied")."""
    from claimmap.nlp import parse_cached

    forms = [content + (" " + speaker if speaker else "")]
    if speaker:
        forms.append(content)
    try:
        doc = parse_cached([content])[0]
        terms = list(dict.fromkeys([e.text for e in doc.ents if e.label_ not in ("CARDINAL", "ORDINAL")]
                                   + [t.lemma_ for t in doc if t.pos_ in ("NOUN", "PROPN") and not t.is_stop]))
    except Exception:  # noqa: BLE001  no parser: the word forms are enough
        terms = []
    key = " ".join(terms)
    if len(terms) >= 2 and key.casefold() != content.casefold():
        forms.append(key)
        forms.append(key + " " + DENIAL_WORDS)
    return list(dict.fromkeys(forms))


def _side_key(registry, side: str | None) -> str | None:
    return "state:" + registry.side_groups.get(side, side) if side else None


def _speaker_match(claim_speaker, st, sentence: str) -> bool:
    """Does the evidence sentence report the claim's speaker? Same canonical speaker; or the
    speaker's (last) name in the evidence speaker's words ("Kremlin spokesman Dmitry Peskov"),
    or in the sentence when its speaker is on the same side (an apposition resolved to the
    organisation)."""
    if st is None or claim_speaker is None or not st.speaker and not st.canonical:
        return False
    if claim_speaker.canonical and st.canonical and claim_speaker.canonical == st.canonical:
        return True
    surname = (claim_speaker.canonical or claim_speaker.text or "").split()[-1:]
    if not surname or len(surname[0]) <= 3:
        return False
    name = surname[0].casefold()
    if name in (st.speaker or "").casefold():
        return True
    return bool(claim_speaker.side) and st.side == claim_speaker.side and name in sentence.casefold()


def _relays_claim(claim_speaker, overlap: float, sentence: str) -> bool:
    """Is a hedged, same-topic sentence a relay of this claim? It names the claim's speaker (a
    word of the canonical name or the mention, four letters or more: "Peskov", "Kremlin"), or
    it repeats at least half the claim's content words (``overlap``, see ``_claim_overlap``).
    Otherwise it is the topic, not the claim."""
    if overlap >= 0.5:
        return True
    if claim_speaker is None:
        return False
    low = sentence.casefold()
    names = f"{claim_speaker.canonical or ''} {claim_speaker.text or ''}"
    return any(re.search(rf"\b{re.escape(w.casefold())}", low) for w in re.findall(r"[^\W\d_]{4,}", names))


def _claim_overlap(qwords: set[str], sentence: str) -> float:
    """Share of the claim's content words the sentence repeats, by stem (``_stem``): a report
    of the speaker saying *this* repeats them ("Kremlin says sanctions will cause problems" is
    not "Kremlin says Russia will impose sanctions")."""
    from claimmap.stance.select import content_words

    if not qwords:
        return 0.0
    stems = {_stem(w) for w in content_words(sentence)}
    return sum(_stem(w) in stems for w in qwords) / len(qwords)


def _stem(word: str) -> str:
    """First five letters after a plural 's' ("talks" and "talk", "sanctions" and "sanction")."""
    return (word[:-1] if len(word) > 3 and word.endswith("s") else word)[:5]


def _lookalikes(report, store: Store, body: str):
    """Corpus documents sharing a long body sentence with the article ({id: doc}), and the ids
    of stored copies of the article itself (same body at the same url)."""
    sents = sorted({report.document.text[s.start:s.end].strip() for s in report.sentences
                    if (z := report.zone(s.zone)) is not None and z.kind == "body"},
                   key=len, reverse=True)[:6]
    cand: dict[int, object] = {}
    for s in sents:
        for h in store.search_text(s, k=5):
            if h.document_id not in cand:
                cand[h.document_id] = store.get_document(h.document_id)
    own = content_hash(body)
    same = {d for d, doc in cand.items() if doc is not None and doc.hash == own
            and doc.url and doc.url == report.document.url}
    return {d: doc for d, doc in cand.items() if doc is not None and d not in same}, same


def corroborate(report, store: Store, *, window_days: int | None = None, embedder=None,
                stance: StanceFn | None = None, k: int = 12, relevance_embedder=None):
    """Add ``copy_of`` to ``report.document`` and ``verdicts`` to ``report.extras`` (see module
    doc). ``window_days`` None = setting CLAIMMAP_WINDOW_DAYS; the window is dropped when the
    article has no date. ``embedder`` None = the corpus embedder setting; False = text only.
    ``relevance_embedder`` (the gate's cosine between claim and evidence; None = setting
    CLAIMMAP_RELEVANCE_EMBEDDER, where 'corpus' or the corpus embedder's own name means
    ``embedder`` itself; False = content-word overlap) is independent of the corpus's vectors:
    the corpus can hold fast static vectors for recall while the gate reads MiniLM.
    ``stance`` defaults to the configured stance model. The stance model only reads evidence
    that passed the relevance gate; families are computed once over the article and every
    document found."""
    from claimmap import config
    from claimmap.errors import ClaimmapError
    from claimmap.outlets import load_registry
    from claimmap.outlets.families import FamilyInput, group_families
    from claimmap.stance.select import content_words

    registry = load_registry()
    if window_days is None:
        window_days = config.get_int("CLAIMMAP_WINDOW_DAYS")
    if stance is None:
        from claimmap.stance import classify as stance
    doc = report.document
    o = registry.get(doc.site) or registry.lookup_url(doc.url)
    outlet = o.id if o else None
    body = _article_body(report)
    clock = time.perf_counter
    timings = {"copy_check": 0.0, "embed": 0.0, "retrieve": 0.0, "relevance": 0.0, "stance": 0.0,
               "families": 0.0, "verdicts": 0.0}
    t0 = clock()
    near, same = _lookalikes(report, store, body)
    timings["copy_check"] = clock() - t0
    date_from, date_to = window(doc.published, window_days)

    claims = _claims(report)
    speaker_of = lambda st: st.speaker.canonical if st.speaker and st.speaker.canonical else ""
    queries = list(dict.fromkeys((claim_text(st), speaker_of(st)) for st in claims))
    vecs: dict = {}
    t0 = clock()
    texts = list(dict.fromkeys(q for q, _ in queries))
    if embedder is not False and queries:
        try:
            if embedder is None:
                from claimmap.corpus.embed import get_embedder

                embedder = get_embedder()
            recorded = store.embedder() if hasattr(store, "embedder") else None
            name = getattr(embedder, "name", None)
            if recorded is not None and name is not None and name != recorded:
                from claimmap.corpus.store import embedder_mismatch

                raise embedder_mismatch(recorded, name)  # same size or not: not comparable
            vecs = dict(zip(texts, embedder.encode(texts)))
        except Exception as exc:  # noqa: BLE001  no model or no torch: text-only retrieval, said plainly
            report.warnings.append(f"corroboration: vector search off ({str(exc).splitlines()[0]})")
            vecs, embedder = {}, None
    gate, gate_vecs = _relevance_embedder(report, relevance_embedder, embedder), {}
    if gate is not None and texts:
        try:
            gate_vecs = vecs if gate is embedder else dict(zip(texts, gate.encode(texts)))
        except Exception as exc:  # noqa: BLE001  no model or no torch: lexical gate, said plainly
            report.warnings.append(f"corroboration: relevance by word overlap ({str(exc).splitlines()[0]})")
            gate = None
    timings["embed"] = clock() - t0

    # 1. retrieval, per distinct (content, speaker): several query forms, one pool
    t0 = clock()
    docs: dict = {}
    found: dict[tuple[str, str], list[Candidate]] = {}
    unread: dict[tuple[str, str], list[Candidate]] = {}  # in a language the models cannot read
    for q, spk in queries:
        pool: dict[int, Candidate] = {}
        for n, query in enumerate(query_forms(q, spk)):
            vec = vecs.get(q) if n == 0 else None
            kk = k if n == 0 else max(4, k // 2)
            try:
                hits = retrieve(store, query, vec, k=kk, date_from=date_from, date_to=date_to,
                                exclude_docs=same, docs=docs)
            except ClaimmapError as exc:  # e.g. a corpus embedded with another model
                report.warnings.append(f"corroboration: vector search off ({exc})")
                if gate is embedder:
                    gate, gate_vecs = None, {}
                vecs, embedder = {}, None
                hits = retrieve(store, query, None, k=kk, date_from=date_from, date_to=date_to,
                                exclude_docs=same, docs=docs)
            for c in hits:
                pool.setdefault(c.sentence_id, c)
        found[(q, spk)], unread[(q, spk)] = split_assessable(list(pool.values()))
    timings["retrieve"] = clock() - t0

    # 2. relevance gate: cosine of sentence embeddings (sentences sharing a content word with
    #    the claim), else content-word recall
    t0 = clock()
    rel: dict[tuple[str, str], tuple[float, bool]] = {}
    pairs = list(dict.fromkeys((q, c.text) for (q, _), cands in found.items() for c in cands))
    words = {t: content_words(t) for t in dict.fromkeys(x for p in pairs for x in p)}
    if gate is not None and gate_vecs and pairs:
        import numpy as np

        # a sentence sharing no content word with the claim is not about it: not encoded
        for q, t in pairs:
            if not words[q] & words[t]:
                rel[(q, t)] = (0.0, False)
        texts = list(dict.fromkeys(t for p in pairs if p not in rel for t in p[1:]))
        unit = {}
        for t, v in zip(texts, gate.encode(texts) if texts else []):
            v = np.asarray(v, dtype=np.float32)
            unit[t] = v / (np.linalg.norm(v) or 1.0)
        for q in {q for q, _ in pairs}:
            v = np.asarray(gate_vecs[q], dtype=np.float32)
            unit[q] = v / (np.linalg.norm(v) or 1.0)
        for q, t in pairs:
            if (q, t) not in rel:
                sim = float(unit[q] @ unit[t])
                rel[(q, t)] = (sim, sim >= MIN_COSINE)
    else:
        for q, t in pairs:
            r = len(words[q] & words[t]) / max(1, len(words[q]))
            rel[(q, t)] = (r, r >= MIN_RELEVANCE)
    timings["relevance"] = clock() - t0

    # 3. stance, only where the evidence is about the claim
    t0 = clock()
    todo = [p for p in pairs if rel[p][1]]
    labels = dict(zip(todo, stance(todo))) if todo else {}
    timings["stance"] = clock() - t0

    # 4. independence families over the article, its look-alikes and every evidence document
    t0 = clock()
    items = [FamilyInput(ARTICLE, body, url=doc.url, outlet=outlet, published=doc.published)]
    for d, sd in {**near, **docs}.items():
        if d not in same and sd is not None:
            items.append(FamilyInput(str(d), sd.text, url=sd.url, outlet=sd.outlet, published=sd.published))
    fams = group_families(items, registry, analysed=ARTICLE)
    origin = fams.copy_of(ARTICLE)
    odoc = ({**near, **docs}.get(int(origin)) if origin else None)
    doc.copy_of = (odoc.url or f"corpus:{origin}") if odoc is not None else None
    doc.copy_of_outlet = fams.copy_of_outlet(ARTICLE)
    timings["families"] = clock() - t0

    # 5. verdicts
    t0 = clock()
    verdicts = [_verdict(st, found[(claim_text(st), speaker_of(st))], labels, rel, fams, registry, docs)
                for st in claims]
    timings["verdicts"] = clock() - t0
    report.extras["verdicts"] = verdicts
    report.extras["corroboration_run"] = {
        "window": [date_from, date_to], "window_days": window_days if date_from else None,
        "claims": len(verdicts), "documents_searched": store.stats()["documents"],
        "stance_pairs": len(todo), "seconds": {k: round(v, 4) for k, v in timings.items()},
        # documents without a known date are searched in every window and shown "date unknown";
        # documents in a language the stance model cannot read are counted, not judged
        **run_summary(list(found.values()) + list(unread.values())),
    }
    return report


@lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    from claimmap import datafiles

    data = datafiles.shipped("stance_cues.toml", "stance cue list")
    return {k: tuple(v) for k, v in data.items()}


def _negated(text: str, words: tuple[str, ...]) -> bool:
    import re

    low = " " + re.sub(r"[^\w']+", " ", text.lower()).replace("n't", " n't") + " "
    return any(f" {w} " in low for w in words)


def _rejects_a_claim(content: str | None) -> bool:
    """A rejection denies a claim only when what it rejects is one ("rejected Russia's genocide
    claim", "rejected it"); "vetoed the Security Council action" rejects an act, not a claim."""
    from claimmap.claims.polarity import names_a_claim

    return True if content is None else names_a_claim(content)  # no content: keep the polarity's word


def adjust_stance(label: str, claim: str, evidence: str, polarity: str | None,
                  reports_speaker: bool, claimant_side: bool = False,
                  content: str | None = None) -> tuple[str, str]:
    """(label, source): the model's label, overridden by the evidence statement's polarity
    (a deny statement of a party outside the claimant's side, or a reject statement whose
    ``content`` is a claim: "rejected the allegations" -> disagree) or by a
    negation of the very predicate the claim asserts (:mod:`claimmap.corroborate.negation`:
    agree -> disagree). Neither applies when the evidence reports the claimant or comes from the
    claimant's side: that is the claimant repeating the claim, negations and all."""
    if label == "unrelated":
        return label, "model"
    if reports_speaker or claimant_side:
        return label, "model"
    if polarity == "deny" or polarity == "reject" and _rejects_a_claim(content):
        return "disagree", "polarity"
    if label in ("agree", "discuss"):  # same topic; an abstaining model reads as discuss
        from claimmap.corroborate.hedge import hedged
        from claimmap.corroborate.negation import negation_mismatch

        if not hedged(evidence) and negation_mismatch(claim, evidence):
            return "disagree", "negation"
    return label, "model"


def _party(registry, fam: str, sst) -> tuple[str, str | None]:
    """(party key, display name) of an evidence sentence: the quoted speaker's side or name, else
    the outlet's own voice (its family)."""
    if sst is not None and (sst.side or sst.canonical) and sst.kind != "narrated":
        return (_side_key(registry, sst.side) or "speaker:" + (sst.canonical or "")), (sst.canonical or sst.speaker)
    return fam, None


def _outlet_name(registry, outlet_id: str | None, url: str | None) -> str | None:
    o = registry.get(outlet_id) if outlet_id else None
    if o is None and url:
        o = registry.lookup_url(url)
    if o is not None:
        return o.name
    from claimmap.outlets.registry import url_host

    return url_host(url) if url else None


def _verdict(st, cands: list[Candidate], labels: dict, rel: dict, fams, registry, docs=None) -> dict:
    from claimmap.corroborate.context import same_person, denials_near
    from claimmap.corroborate.hedge import hedged, is_question
    from claimmap.stance.select import content_words

    narrated = st.kind == "narrated"
    q = claim_text(st)  # as searched and judged; the verdict's "claim" stays the content
    claimant = {fams.independence_key(ARTICLE)}
    speaker = st.speaker
    if not narrated and speaker is not None:
        if speaker.canonical:
            claimant.add("speaker:" + speaker.canonical)
        if (sk := _side_key(registry, speaker.side)):
            claimant.add(sk)
    speaker_name = (speaker.canonical or speaker.text) if speaker is not None and not narrated else None
    qwords = content_words(q)
    evidence, vitems, seen_denials = [], [], set()
    for c in cands:
        score, relevant = rel[(q, c.text)]
        lab = labels.get((q, c.text)) if relevant else None
        fam = fams.independence_key(str(c.doc_id))
        sst = c.statement
        reports_speaker = not narrated and _speaker_match(speaker, sst, c.text)
        party, who = _party(registry, fam, sst)
        claimant_side = fam in claimant or party in claimant
        label, source = adjust_stance(lab["label"] if lab else "unrelated", q, c.text,
                                      sst.polarity if sst else None, reports_speaker, claimant_side,
                                      content=sst.content if sst else None)
        conf = (lab or {}).get("confidence") if source == "model" else None
        outlet = _outlet_name(registry, c.outlet, c.url)
        is_hedged = label in ("agree", "discuss") and not reports_speaker and hedged(c.text)
        overlap = _claim_overlap(qwords, c.text)
        item = Item(fam, party, label, reports_speaker, sst.polarity if reports_speaker and sst else None,
                    confidence=conf, hedged=is_hedged, question=label == "disagree" and is_question(c.text),
                    outlet=outlet, who=who,
                    # a report of the speaker must repeat the claim (half its words, "discuss");
                    # a relay may instead name the speaker
                    relays_claim=overlap >= 0.5 if reports_speaker else _relays_claim(speaker, overlap, c.text),
                    claim_overlap=overlap,
                    stated=source == "polarity")
        vitems.append(item)
        if label == "unrelated":
            continue
        origin = fams.copy_of(str(c.doc_id))
        evidence.append({
            "url": c.url, "outlet": c.outlet, "outlet_name": outlet, "family": fam, "stance": label,
            "independent": independent(item, claimant), "text": c.text, "published": c.published,
            "undated": bool(getattr(c, "undated", False)),
            "start": c.start, "end": c.end, "document": c.doc_id,
            "copy_of": int(origin) if origin not in (None, ARTICLE) else None,
            "attributed_to": sst.canonical or sst.speaker if sst and sst.kind != "narrated" else None,
            "reports_speaker": reports_speaker, "relevance": round(score, 3), "stance_source": source,
            "stance_confidence": conf, "hedged": is_hedged,
            "stance_probs": (lab or {}).get("probs", {}),
        })
        # 8. the answer in the next sentences: "He denied it." / "The office rejected the claim."
        doc = (docs or {}).get(c.doc_id)
        if doc is None or label not in ("agree", "discuss"):
            continue
        for d in denials_near(doc, c.text, qwords, claim_speaker=speaker_name):
            if (c.doc_id, d.text) in seen_denials:
                continue
            seen_denials.add((c.doc_id, d.text))
            dparty = _side_key(registry, d.side) or ("speaker:" + d.speaker if d.speaker else fam)
            is_claimant = same_person(d.speaker, speaker_name)
            ditem = Item(fam, dparty, "disagree", is_claimant, d.polarity if is_claimant else None,
                         confidence=None, outlet=outlet, who=d.speaker, stated=True)
            vitems.append(ditem)
            pos = c.doc_text.find(d.text) if c.doc_text else -1
            evidence.append({
                "url": c.url, "outlet": c.outlet, "outlet_name": outlet, "family": fam, "stance": "disagree",
                "independent": independent(ditem, claimant), "text": d.text, "published": c.published,
                "undated": bool(getattr(c, "undated", False)),
                "start": max(pos, 0), "end": max(pos, 0) + len(d.text) if pos >= 0 else 0, "document": c.doc_id,
                "copy_of": int(origin) if origin not in (None, ARTICLE) else None,
                "attributed_to": d.speaker, "reports_speaker": is_claimant, "relevance": round(score, 3),
                "stance_source": "context:" + d.source, "stance_confidence": None, "hedged": False,
                "stance_probs": {}, "answers": c.text,
            })
    v = decide(vitems, claimant, narrated=narrated, speaker=speaker_name, min_confirm=min_confirming())
    return {"statement": st.id, "said": v["said"], "so": v["so"], "counts": v["counts"],
            "confidence": v["confidence"], "reason": v["reason"],
            "claim": st.content.text, "speaker": (speaker.canonical or speaker.text) if speaker else None,
            "claimant_keys": sorted(claimant), "evidence": evidence}
