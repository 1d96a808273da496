"""Statement confidence: a calibrated probability that an extracted statement is a real
attribution (its cue, speaker and content match what a human annotator marks).

A logistic regression over features of the statement (cue lemma and its lexicon class, kind,
how the speaker was found and resolved, the learned cue detector's score, quotation marks,
content length, …) trained on PolNeAR train by ``train/train_confidence.py``: candidates are the
statements ``extract()`` finds, a positive one matches a gold attribution (cue and content
overlap). Its raw scores are calibrated (Platt scaling) on train articles held out of the fit.
The artefact is gzipped JSON (``claimmap/data/models/statement_conf.json.gz``), standard library
only. Without it every statement keeps ``confidence = None`` (treated as trusted).

``threshold()`` is the setting CLAIMMAP_STATEMENT_THRESHOLD: reports, disputes, verdicts and
ClaimReview use ``statements_above()``; the JSON keeps every statement with its confidence.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from importlib import resources

MODEL_PATH = "data/models/statement_conf.json.gz"


def threshold() -> float:
    """The confidence a statement needs to be used downstream (CLAIMMAP_STATEMENT_THRESHOLD)."""
    from claimmap import config
    from claimmap.errors import ClaimmapError

    t = config.get_float("CLAIMMAP_STATEMENT_THRESHOLD")
    if not 0.0 <= t <= 1.0:
        raise ClaimmapError(f"setting CLAIMMAP_STATEMENT_THRESHOLD={t} is not between 0 and 1")
    return t


def statements_above(report_or_statements, threshold_: float | None = None) -> list:
    """The statements (of a Report, or a list) whose confidence reaches the threshold (the
    setting unless given); a statement without a confidence counts as above it."""
    sts = getattr(report_or_statements, "statements", report_or_statements)
    t = threshold() if threshold_ is None else threshold_
    return [s for s in sts if s.confidence is None or s.confidence >= t]
