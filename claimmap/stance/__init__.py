"""Stance of evidence towards a claim (agree / disagree / discuss / unrelated).

Public API::

    classify(pairs) -> [{"label", "probs"}]      # pairs: [(claim, evidence text)]
    load_model(spec=None) -> StanceModel          # cached; spec as setting CLAIMMAP_STANCE_MODEL
    fnc.evaluate(gold, pred) -> FNC-1 scores      # official scorer

See :mod:`claimmap.stance.model` for the model and :mod:`claimmap.stance.select` for how the
evidence is cut before it is encoded.
"""

from claimmap.stance.fnc import LABELS
from claimmap.stance.model import StanceModel, classify, load_model

__all__ = ["LABELS", "StanceModel", "classify", "load_model"]
