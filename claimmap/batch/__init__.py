"""``claimmap batch``: the ``corpus add`` pipeline over a large corpus on Apache Spark, to Parquet.

    claimmap batch INPUT… --output DIR [--master local[2]] [--no-embed]
    claimmap corpus load DIR --db PATH_OR_URL

Inputs are WARC / WARC.gz, JSONL (``{url, html|text, published?, outlet?, title?}`` per line),
HTML and text files or folders of them, as local paths or object-store URIs (``s3a://``,
``gs://``, ``hdfs://``: read by Spark, so its Hadoop connector for the scheme must be there).
Every record runs the same per-document functions as ``claimmap corpus add``
(``claimmap.corpus.ingest``: ``load_record``, ``prepare``, ``embed_prepared``) inside
``mapPartitions``, with the spaCy pipeline, embedder and outlet registry loaded once per Python
worker (``claimmap.batch.worker``). The output directory holds Parquet tables:

* ``documents``, ``sentences`` (with an ``embedding`` array column), ``statements`` (same),
  ``signatures`` (MinHash bytes): partitioned by ``day`` (ISO day of the published date,
  ``unknown`` when there is none); a document's identity is its content ``hash``;
* ``families``: syndication / owner / state families, one row per member, computed in Spark
  (``claimmap.batch.families``: MinHash LSH band join, verification, connected components);
* ``errors``: one row per record that failed (never a failed job);
* ``_manifest.json``: counts, embedder, parameters.

``claimmap corpus load`` (``claimmap.batch.load``) puts such a directory into a store.

pyspark is imported only inside the functions that need it: ``import claimmap.batch`` is cheap.
"""

from __future__ import annotations

#: ``day`` partition value of documents without a (parseable) published date
UNKNOWN_DAY = "unknown"

TABLES = ("documents", "sentences", "statements", "signatures", "families", "errors")
MANIFEST = "_manifest.json"
FORMAT_VERSION = 1


def run_batch(*args, **kwargs):
    """See ``claimmap.batch.job.run_batch``."""
    from claimmap.batch.job import run_batch as run

    return run(*args, **kwargs)


def load_batch(*args, **kwargs):
    """See ``claimmap.batch.load.load_batch``."""
    from claimmap.batch.load import load_batch as load

    return load(*args, **kwargs)
