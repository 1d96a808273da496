"""The Spark job behind ``claimmap batch`` (see ``claimmap.batch`` for the output layout).

Stages: list inputs (driver) -> cut files into records and spread them over the partitions ->
``mapPartitions(process_partition)`` (the ``corpus add`` pipeline, models once per worker),
persisted -> drop repeated bodies (first record in input order wins, as ``corpus add``) ->
write documents / sentences / statements / signatures partitioned by day, errors, families ->
``_manifest.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from claimmap.batch import FORMAT_VERSION, MANIFEST, UNKNOWN_DAY
from claimmap.errors import ClaimmapError

PROCESSED = (
    "ord long, source string, error string, key string, hash string, url string, outlet string,"
    " published string, day string, title string, text string, signature binary, sig_size int,"
    " credited string,"
    " sentences array<struct<idx:int,start:int,end:int,text:string,embedding:array<float>>>,"
    " statements array<struct<idx:int,content:string,speaker:string,canonical:string,"
    "side:string,cue:string,kind:string,polarity:string,embedding:array<float>>>,"
    " dim int, language string")


@dataclass
class BatchResult:
    output: str
    records: int = 0
    documents: int = 0
    duplicates: int = 0
    errors: int = 0
    sentences: int = 0
    statements: int = 0
    families: int = 0
    files: int = 0
    embedder: str | None = None
    dim: int | None = None
    master: str = ""
    partitions: int = 0
    seconds: float = 0.0
    process_seconds: float = 0.0
    error_samples: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Spark session
# --------------------------------------------------------------------------------------------


def _under_spark_submit() -> bool:
    return "PYSPARK_GATEWAY_PORT" in os.environ


def _active_session() -> bool:
    try:
        from pyspark import SparkContext
    except ImportError:
        return False
    return SparkContext._active_spark_context is not None


def spark_session(master: str | None = None, app_name: str = "claimmap-batch", conf: dict | None = None):
    """A SparkSession: the one ``spark-submit`` set up (its master wins), else a local one
    (``master`` default ``local[*]``). Raises ClaimmapError when pyspark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ClaimmapError("claimmap batch needs pyspark (pip install -r requirements.txt) and "
                            "Java 17 (apt-get install openjdk-17-jre-headless)") from None
    builder = SparkSession.builder.appName(app_name)
    if not _under_spark_submit():
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise ClaimmapError("claimmap batch needs Java 17 or later for Spark "
                                "(apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
        master = master or "local[*]"
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            cores = os.cpu_count() or 2
            builder = (builder.config("spark.sql.shuffle.partitions", str(max(4, 2 * cores)))
                       .config("spark.ui.enabled", "false"))
        builder = builder.master(master).config("spark.ui.showConsoleProgress", "false")
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - JVM did not start: say so in one line
        raise ClaimmapError(f"cannot start Spark: {str(exc).splitlines()[0]}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _is_remote(path: str) -> bool:
    from claimmap.batch.inputs import is_remote

    return is_remote(path)


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _write_text(spark, path: str, text: str) -> None:
    """Write a small text file next to the tables (local path or any Hadoop URI)."""
    if not _is_remote(path):
        Path(path).write_text(text, encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    out = fs.create(hpath, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def _expand_local(files, settings):
    from claimmap.batch.inputs import expand, open_local
    from claimmap.batch.worker import apply_settings

    apply_settings(settings)
    for f in files:
        fh, err = (None, None) if f.error else open_local(f)
        try:
            yield from expand(f, fh, err)
        finally:
            if fh is not None:
                fh.close()


def _expand_remote(rows, by_path, settings):
    import io

    from claimmap.batch.inputs import expand
    from claimmap.batch.worker import apply_settings

    apply_settings(settings)
    for row in rows:
        f = by_path.get(row.path)
        if f is None:  # pragma: no cover - Spark returned a path it did not list
            continue
        yield from expand(f, io.BytesIO(bytes(row.content)))


def _embedder_name(embed: bool) -> tuple[str | None, int | None]:
    if not embed:
        return None, None
    from claimmap import config
    from claimmap.corpus.embed import DEFAULT, get_embedder

    name = config.get("CLAIMMAP_EMBEDDER").strip() or DEFAULT
    emb = get_embedder(name)  # fail here, once, when the embedder cannot load
    return name, int(emb.dim)


# --------------------------------------------------------------------------------------------
# the job
# --------------------------------------------------------------------------------------------


def run_batch(inputs: list[str], output: str, *, master: str | None = None, embed: bool = True,
              partitions: int | None = None, spark=None) -> BatchResult:
    """Run the batch pipeline over ``inputs`` and write the Parquet tables under ``output``
    (overwritten). ``spark``: an existing SparkSession (kept open); else one is started
    (``master``, default ``local[*]``; under spark-submit its own) and stopped at the end."""
    from claimmap.batch.worker import driver_settings

    t0 = time.perf_counter()
    settings = driver_settings()
    embed_name, dim = _embedder_name(embed)
    own = spark is None and not _active_session()
    if spark is None:
        spark = spark_session(master)  # the active one, when there is one (kept open)
    try:
        return _run(spark, inputs, output, settings, embed_name, dim, partitions, t0)
    finally:
        if own:
            spark.stop()


def _run(spark, inputs, output, settings, embed_name, dim, partitions, t0) -> BatchResult:
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from claimmap.batch.inputs import list_inputs
    from claimmap.batch.worker import process_partition

    sc = spark.sparkContext
    if not _is_remote(output):
        output = str(Path(output).expanduser().resolve())
        Path(output).mkdir(parents=True, exist_ok=True)
    files = list_inputs(list(inputs), spark)
    result = BatchResult(output=output, files=len(files), embedder=embed_name, dim=dim,
                         master=sc.master)
    target = partitions or max(2, sc.defaultParallelism * 2)

    # 1. records
    local = [f for f in files if not f.remote]
    remote = [f for f in files if f.remote]
    rdds = []
    if local:
        rdds.append(sc.parallelize(local, max(1, min(len(local), target)))
                    .mapPartitions(partial(_expand_local, settings=settings)))
    if remote:
        by_path = sc.broadcast({f.path: f for f in remote})
        rdds.append(spark.read.format("binaryFile").load([f.path for f in remote]).rdd
                    .mapPartitions(lambda rows: _expand_remote(rows, by_path.value, settings)))
    if not rdds:
        result.seconds = time.perf_counter() - t0
        return result
    raw = rdds[0] if len(rdds) == 1 else sc.union(rdds)
    if partitions or len(files) < 4 * target:
        # few (large) files: spread their records; many files balance out without a shuffle
        raw = raw.repartition(target)
    result.partitions = raw.getNumPartitions()

    # 2. the per-document pipeline, once (persisted)
    processed = raw.mapPartitions(partial(process_partition, settings=settings, embed=embed_name))
    pdf = spark.createDataFrame(processed, PROCESSED, verifySchema=False).persist(
        StorageLevel.MEMORY_AND_DISK)
    try:
        t1 = time.perf_counter()
        counts = pdf.agg(F.count("*").alias("n"),
                         F.count("error").alias("errors")).first()
        result.records, result.errors = int(counts.n), int(counts.errors)
        result.process_seconds = time.perf_counter() - t1

        # 3. one document per body hash: the first in input order
        ok = pdf.where(F.col("error").isNull())
        dups = (ok.select("hash", "ord")
                .withColumn("rn", F.row_number().over(Window.partitionBy("hash").orderBy("ord")))
                .where(F.col("rn") > 1).select("ord").localCheckpoint())
        result.duplicates = dups.count()
        docs = ok.join(F.broadcast(dups) if result.duplicates < 1_000_000 else dups, "ord",
                       "left_anti").persist(StorageLevel.MEMORY_AND_DISK)
        try:
            _write_tables(spark, pdf, docs, output, settings, result)
        finally:
            docs.unpersist()
    finally:
        pdf.unpersist()
    result.seconds = time.perf_counter() - t0
    manifest = {"format": FORMAT_VERSION, "generator": "claimmap batch", "inputs": list(inputs),
                "unknown_day": UNKNOWN_DAY, **result.to_dict(),
                "families_params": _family_params()}
    manifest.pop("error_samples", None)
    _write_text(spark, _join(output, MANIFEST), json.dumps(manifest, indent=2))
    return result


def _family_params() -> dict:
    from claimmap.batch.families import lsh_params
    from claimmap.outlets import minhash

    b, r, _, _ = lsh_params()
    return {"threshold": minhash.THRESHOLD, "lsh_threshold": minhash.LSH_THRESHOLD,
            "num_perm": minhash.NUM_PERM, "shingle_size": minhash.SHINGLE_SIZE,
            "min_size_ratio": minhash.MIN_SIZE_RATIO, "bands": b, "rows": r}


def _write_tables(spark, pdf, docs, output, settings, result: BatchResult) -> None:
    from pyspark.sql import functions as F

    from claimmap.batch.families import compute_families

    def write(df, name, *, by_day=True, order=("ord",)):
        w = df.repartition("day").sortWithinPartitions("day", *order) if by_day else df
        w = w.write.mode("overwrite")
        if by_day:
            w = w.partitionBy("day")
        w.parquet(_join(output, name))

    errors = pdf.where(F.col("error").isNotNull()).select("ord", "source", "error")
    write(errors.coalesce(1).sortWithinPartitions("ord"), "errors", by_day=False)
    if result.errors:
        result.error_samples = [r.asDict() for r in errors.orderBy("ord").limit(20).collect()]

    write(docs.select("hash", "ord", "key", "url", "outlet", "published", "title", "source",
                      "language", "text", F.size("sentences").alias("n_sentences"),
                      F.size("statements").alias("n_statements"), "day"), "documents")
    write(docs.select(F.col("hash").alias("doc_hash"), "ord", "day",
                      F.posexplode("sentences").alias("_i", "s"))
          .select("doc_hash", "ord", "s.idx", "s.start", "s.end", "s.text", "s.embedding", "day"),
          "sentences", order=("ord", "idx"))
    write(docs.select(F.col("hash").alias("doc_hash"), "ord", "day",
                      F.posexplode("statements").alias("_i", "s"))
          .select("doc_hash", "ord", "s.idx", "s.content", "s.speaker", "s.canonical", "s.side",
                  "s.cue", "s.kind", "s.polarity", "s.embedding", "day"),
          "statements", order=("ord", "idx"))
    write(docs.select("hash", "ord", F.col("sig_size").alias("size"), "signature", "day"),
          "signatures")

    counts = docs.agg(F.count("*").alias("d"), F.sum(F.size("sentences")).alias("s"),
                      F.sum(F.size("statements")).alias("t"), F.max("dim").alias("dim")).first()
    result.documents, result.sentences, result.statements = (
        int(counts.d or 0), int(counts.s or 0), int(counts.t or 0))
    if result.embedder and counts.dim:
        result.dim = int(counts.dim)

    if result.documents:
        fams = compute_families(docs.select("ord", "hash", "url", "outlet", "published",
                                            "credited", "signature", "sig_size"), settings)
    else:
        from claimmap.batch.families import family_schema

        fams = spark.createDataFrame([], family_schema())
    write(fams.coalesce(max(1, min(8, spark.sparkContext.defaultParallelism)))
          .sortWithinPartitions("family", "ord"), "families", by_day=False)
    result.families = fams.select("family").distinct().count()
