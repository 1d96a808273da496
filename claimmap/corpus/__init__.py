"""The corpus: a searchable store of analysed articles (documents, body sentences, statements,
embeddings, MinHash signatures, outlet families). See ``store`` (interface), ``sqlite`` (the
embedded default backend), ``embed`` (sentence embeddings) and ``ingest`` (``claimmap corpus add``)."""

from claimmap.corpus.store import (
    DocRecord,
    Hit,
    SentenceRecord,
    StatementRecord,
    Store,
    StoredDocument,
    content_hash,
    open_store,
)

__all__ = ["DocRecord", "Hit", "SentenceRecord", "StatementRecord", "Store", "StoredDocument",
           "content_hash", "open_store"]
