"""Framing: whose vocabulary the article adopts, and how the reader comments talk.

Public API: ``analyze_framing(doc, zones, statements) -> dict`` (pure; the pipeline puts the
result in ``Report.extras``)::

    {
      "framing": {
        "narrator_alignment": {side: score in [0, 1]},
        "terms": [{text, start, end, side, voice, scare_quoted, concept, conflict, zone, distancing}],
        "summary": str,
        "evidence": {"leaning", "counts", "spans", "conflicts"},
      },
      "comments": [{zone, flags, terms, side}],            # one per comment zone
      "comments_summary": {n_comments, flagged, sides, summary},
    }

Building blocks: ``terms.find_terms`` (contested terms with voice and scare quotes),
``alignment.narrator_alignment`` (body narrator's alignment), ``comments.comment_flags`` and
``comments.comments_summary`` (loaded language in comments). Lexicons:
claimmap/data/contested_terms.toml (+ setting CLAIMMAP_TERMS) and
claimmap/data/loaded_language.toml. Everything here is lexicon-and-rules based; a learned
persuasion-technique model comes later.
"""

from __future__ import annotations

from claimmap.model import Document, Statement, Zone

__all__ = ["analyze_framing", "find_terms", "narrator_alignment", "comment_flags", "comments_summary", "TermMark"]

#: zone kinds whose terms are listed in ``framing.terms`` (comments have their own entries)
ARTICLE_KINDS = ("header", "body")


def analyze_framing(doc: Document, zones: list[Zone], statements: list[Statement]) -> dict:
    """Framing of the article body and flags for its comments (see module doc)."""
    from claimmap.framing.alignment import narrator_alignment
    from claimmap.framing.comments import comment_flags, comments_summary
    from claimmap.framing.terms import find_terms

    marks = find_terms(doc, zones, statements)
    kinds = {z.id: z.kind for z in zones}
    article = [m for m in marks if (kinds.get(m.zone) in ARTICLE_KINDS if zones else True)]
    align = narrator_alignment(marks, zones)
    per_comment = comment_flags(doc, zones, marks)
    return {
        "framing": {
            "narrator_alignment": align["scores"],
            "terms": [
                {"text": m.text, "start": m.start, "end": m.end, "side": m.side, "voice": m.voice,
                 "scare_quoted": m.scare_quoted, "concept": m.concept, "conflict": m.conflict,
                 "zone": m.zone, "distancing": m.distancing}
                for m in article
            ],
            "summary": align["summary"],
            "evidence": {
                "leaning": align["leaning"],
                "counts": align["counts"],
                "spans": align["evidence"],
                "conflicts": align["conflicts"],
            },
        },
        "comments": per_comment,
        "comments_summary": comments_summary(per_comment),
    }


def __getattr__(name: str):  # lazy re-exports: importing claimmap.framing stays cheap
    if name in ("find_terms", "TermMark"):
        from claimmap.framing import terms

        return getattr(terms, name)
    if name == "narrator_alignment":
        from claimmap.framing.alignment import narrator_alignment

        return narrator_alignment
    if name in ("comment_flags", "comments_summary"):
        from claimmap.framing import comments

        return getattr(comments, name)
    raise AttributeError(name)
