"""Independence families at scale, in Spark: the same answer as
``claimmap.outlets.families.group_families`` (what ``claimmap corpus families`` stores), without
collecting the corpus on the driver.

1. **Near-duplicates** (group_families step 2). The LSH index there is datasketch's
   ``MinHashLSH`` (threshold ``min(LSH_THRESHOLD, THRESHOLD)``, ``NUM_PERM`` permutations, so
   ``b`` bands of ``r`` hash values; read from ``LSHIndex``): two documents are candidates when
   one band of their signatures is identical. Here every signature is cut into the same bands
   (``substring`` of the stored bytes) and the band table is joined with itself on
   (band, bucket); each distinct candidate pair is verified with ``Signature.similarity`` (the
   same function, so the same Jaccard/containment estimate and ``THRESHOLD``). Connected
   components of the verified pairs are the syndication clusters: iterative min-label
   propagation with pointer jumping (``connected_components``), checkpointed each round.
2. **Syndication families** (step 3): per cluster (a ``groupByKey``; clusters are small),
   ``syndication_members`` mirrors the origin / credited outlet / reason logic, with the
   document's input order (``ord``) as the position tie-breaker.
3. **Independence keys** (step 4): each document links its label nodes (``syndication:<rep>``,
   ``owner:<group>``, ``state:<side>`` or ``site:<host>``, from ``independence_labels``); the
   connected components of the label graph, each named by its smallest (priority, label), are
   the keys. Groups of two or more documents with one key, other than a group that is exactly
   one syndication family, are the owner/state families.

The per-document and per-cluster rules import the helpers of ``claimmap.outlets.families``
(``detect_credits``, ``_same_group``, ``_parse_date``, ``_has_time``) and the outlet registry;
``tests/test_batch.py`` checks the result equals ``group_families`` on the same documents.

Family ids: ``syndication:<hash of the representative>`` (``claimmap corpus load`` turns the
hash into the store's document id), ``owner:…``, ``state:…``, ``site:…`` as in group_families.
"""

from __future__ import annotations

from datetime import datetime, timezone

from claimmap.outlets.families import _has_time, _parse_date, _same_group, detect_credits
from claimmap.outlets.registry import Registry, normalize_name, url_host

#: reasons, as group_families words them
REASON_NEAR_DUP = "near-duplicate bodies"
REASON_STATE = "state-affiliated outlets of one state/side"
REASON_OWNER = "outlets of one owner group"

_LATEST = datetime.max.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------
# pure-Python rules (run inside Spark tasks)
# --------------------------------------------------------------------------------------------


def family_outlet(registry: Registry, outlet: str | None, url: str | None) -> str | None:
    """The outlet id group_families uses for a document (``outlets[d]``)."""
    o = registry.get(outlet) if outlet else registry.lookup_url(url)
    return o.id if o else (outlet or None)


def copy_credit(registry: Registry, text: str, outlet: str | None) -> str | None:
    """The outlet a copy credit line gives the story to (``credited[d]``), unless it is of the
    document's own owner group."""
    copy = [c.outlet for c in detect_credits(text or "", registry)
            if c.kind == "copy" and not _same_group(registry, c.outlet, outlet)]
    return copy[0] if copy else None


def syndication_members(registry: Registry, members: list[dict]) -> list[dict]:
    """One cluster (near-duplicates, or a single credited document): the family's member rows,
    or [] when it is no family. Each member dict has ord, hash, outlet (``family_outlet``), url,
    published, credited. Mirrors group_families step 3 with ``ord`` as the position."""
    by_ord = {m["ord"]: m for m in members}
    ords = sorted(by_ord)
    outlets = {d: by_ord[d]["outlet"] for d in ords}
    credited = {d: by_ord[d]["credited"] for d in ords}
    dates = {d: (_parse_date(by_ord[d]["published"]), _has_time(by_ord[d]["published"]))
             for d in ords}

    def sort_key(d: int):
        dt, timed = dates[d]
        o = registry.get(outlets[d])
        return (dt is None, dt.date() if dt else _LATEST.date(), not (o and o.wire),
                dt if (dt and timed) else _LATEST, d)

    credited_outlets = [credited[d] for d in sorted(ords, key=sort_key) if credited[d]]
    src = credited_outlets[0] if credited_outlets else None
    if len(ords) == 1 and not src:
        return []
    origin = None
    reason = REASON_NEAR_DUP
    if src:
        from_src = [d for d in ords if _same_group(registry, outlets[d], src) and not credited[d]]
        origin = min(from_src, key=sort_key) if from_src else None
        reason = (f"credited to {src}" if len(ords) == 1
                  else f"near-duplicate bodies credited to {src}")
    if origin is None and len(ords) > 1:
        origin = min(ords, key=sort_key)
    origin_outlet = src or (outlets[origin] if origin is not None else None)
    rep = origin if origin is not None else ords[0]
    rep_hash = by_ord[rep]["hash"]
    rep_url = by_ord[rep]["url"]
    rep_host = url_host(rep_url) if rep_url else None
    out = []
    for d in ords:
        out.append({
            "family": "syndication:" + rep_hash, "kind": "syndication",
            "doc_hash": by_ord[d]["hash"], "ord": d,
            "origin": by_ord[origin]["hash"] if origin is not None else None,
            "origin_outlet": origin_outlet, "reason": reason, "outlet": outlets[d],
            "syn_rep": rep_hash, "content_outlet": origin_outlet, "content_host": rep_host,
            "copy_of": by_ord[origin]["hash"] if origin is not None and d != origin else None,
            "copy_of_outlet": (origin_outlet if origin_outlet and not _same_group(
                registry, origin_outlet, outlets[d]) else None),
        })
    return out


def independence_labels(registry: Registry, outlet: str | None, url: str | None,
                        syn_rep: str | None = None, content_outlet: str | None = None,
                        content_host: str | None = None) -> list[str]:
    """The label nodes a document joins, as ``"<priority>|<label>"`` strings (so the smallest
    string is group_families' smallest (priority, label)). ``syn_rep`` etc. are set for members
    of a syndication family. Mirrors group_families step 4."""
    labels = []
    if syn_rep is not None:
        labels.append("2|syndication:" + syn_rep)
        co_id, host = content_outlet, content_host
    else:
        co_id, host = outlet, (url_host(url) if url else None)
    co = registry.get(co_id)
    if co is not None:
        labels.append("1|owner:" + registry.owner_group(co))
        sg = registry.state_group(co)
        if sg:
            labels.append("0|state:" + sg.removeprefix("state:"))
    elif co_id:
        labels.append("1|owner:" + normalize_name(co_id))
    elif host:
        labels.append("1|site:" + host)
    return labels


# --------------------------------------------------------------------------------------------
# Spark
# --------------------------------------------------------------------------------------------

FAMILY_COLUMNS = ("family", "kind", "doc_hash", "ord", "origin", "origin_outlet", "reason",
                  "key", "outlet", "copy_of", "copy_of_outlet")


def family_schema():
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    return StructType([StructField(c, LongType() if c == "ord" else StringType())
                       for c in FAMILY_COLUMNS])


def lsh_params() -> tuple[int, int, int, int]:
    """(bands, rows per band, signature header bytes, bytes per hash value) of the stored
    signatures and of the LSH index group_families builds."""
    import numpy as np

    from claimmap.outlets import minhash

    index = minhash.LSHIndex(threshold=minhash.THRESHOLD, lsh_threshold=minhash.LSH_THRESHOLD)
    width = np.dtype(minhash._SCHEMES[minhash.SCHEME][1]).itemsize
    return index._lsh.b, index._lsh.r, minhash._HEADER.size, width


def connected_components(edges, max_rounds: int = 200):
    """Connected components of an undirected graph given as a DataFrame ``(src, dst)`` (any
    orderable type; a self-edge adds a lone node): DataFrame ``(node, comp)``, ``comp`` the
    smallest node of the component. Min-label propagation plus pointer jumping, two steps a
    round; rounds ~ log of the component diameter, one Spark job each: every round's labels are
    a (lazy) local checkpoint, materialised by the job that counts the changed labels, so the
    query plan does not grow from round to round."""
    from pyspark.sql import functions as F

    e = (edges.select("src", "dst")
         .union(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
         .distinct().localCheckpoint())
    labels = (e.groupBy("src").agg(F.min("dst").alias("m"))
              .select(F.col("src").alias("node"), F.least("src", "m").alias("comp"))
              .localCheckpoint())

    def step(labels):
        msgs = (e.join(labels, e["src"] == labels["node"])
                .select(e["dst"].alias("node"), labels["comp"].alias("comp")))
        new = labels.union(msgs).groupBy("node").agg(F.min("comp").alias("comp"))
        a, b = new.alias("a"), new.alias("b")
        return (a.join(b, F.col("a.comp") == F.col("b.node"), "left")
                .select(F.col("a.node").alias("node"),
                        F.least(F.col("a.comp"), F.coalesce(F.col("b.comp"), F.col("a.comp")))
                        .alias("comp")))

    for _ in range(max_rounds):
        jumped = step(step(labels)).localCheckpoint(eager=False)  # two steps a round
        changed = (jumped.alias("n").join(labels.alias("o"), "node")
                   .where(F.col("n.comp") != F.col("o.comp")).count())
        labels = jumped
        if not changed:
            return labels
    raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")


def near_duplicate_edges(docs):
    """Verified near-duplicate pairs ``(src, dst)`` (ords, src < dst) of ``docs`` (columns ord,
    signature, sig_size): LSH band join, then ``Signature.similarity >= THRESHOLD``."""
    from pyspark.sql import functions as F

    from claimmap.outlets.minhash import MIN_SIZE_RATIO, THRESHOLD, Signature

    b, r, header, width = lsh_params()
    sigs = docs.where(F.col("sig_size") > 0).select("ord", "signature")
    bands = (sigs.select("ord", "signature", F.explode(F.sequence(F.lit(0), F.lit(b - 1)))
                         .alias("band"))
             .select("ord", "band", F.expr(
                 f"substring(signature, {header + 1} + band * {r * width}, {r * width})")
                 .alias("bucket")))
    x, y = bands.alias("x"), bands.alias("y")
    pairs = (x.join(y, (F.col("x.band") == F.col("y.band"))
                    & (F.col("x.bucket") == F.col("y.bucket"))
                    & (F.col("x.ord") < F.col("y.ord")))
             .select(F.col("x.ord").alias("src"), F.col("y.ord").alias("dst")).distinct())
    s1 = sigs.select(F.col("ord").alias("src"), F.col("signature").alias("s1"))
    s2 = sigs.select(F.col("ord").alias("dst"), F.col("signature").alias("s2"))
    cand = pairs.join(s1, "src").join(s2, "dst")

    def verify(rows):
        for row in rows:
            a, c = Signature.from_bytes(bytes(row.s1)), Signature.from_bytes(bytes(row.s2))
            if a.similarity(c, MIN_SIZE_RATIO) >= THRESHOLD:
                yield (row.src, row.dst)

    spark = docs.sparkSession
    return spark.createDataFrame(cand.select("src", "dst", "s1", "s2").rdd.mapPartitions(verify),
                                 "src long, dst long")


def compute_families(docs, settings: dict | None = None):
    """The ``families`` table (one row per member, ``FAMILY_COLUMNS``) of ``docs`` (a DataFrame
    of unique documents with ord, hash, url, outlet, published, credited, signature, sig_size;
    ``outlet`` as ``family_outlet`` gives it, ``credited`` as ``copy_credit``), computed
    (checkpointed) when it returns."""
    from pyspark.sql import functions as F

    from claimmap.batch.worker import apply_settings

    from pyspark import StorageLevel

    level = StorageLevel.MEMORY_AND_DISK
    spark = docs.sparkSession
    settings = dict(settings or {})
    base = docs.select("ord", "hash", "url", "outlet", "published", "credited")

    # 1. near-duplicate clusters
    edges = near_duplicate_edges(docs)
    clusters = connected_components(edges)

    # 2. syndication families: clusters of 2+ and credited single documents
    sel = (base.join(clusters, base["ord"] == clusters["node"], "left")
           .where(F.col("comp").isNotNull() | F.col("credited").isNotNull())
           .withColumn("comp", F.coalesce(F.col("comp"), F.col("ord"))))

    def syndicate(kv):
        from claimmap.outlets.registry import load_registry

        apply_settings(settings)
        return syndication_members(load_registry(), [r.asDict() for r in kv[1]])

    syn_cols = ("family", "kind", "doc_hash", "ord", "origin", "origin_outlet", "reason",
                "outlet", "syn_rep", "content_outlet", "content_host", "copy_of",
                "copy_of_outlet")
    syn = spark.createDataFrame(
        sel.select("comp", "ord", "hash", "url", "outlet", "published", "credited").rdd
        .map(lambda r: (r.comp, r)).groupByKey().flatMap(syndicate)
        .map(lambda m: tuple(m[c] for c in syn_cols)),
        ", ".join(f"{c} {'long' if c == 'ord' else 'string'}" for c in syn_cols)).persist(level)

    # 3. independence keys: components of the label graph
    with_syn = base.join(syn.select("ord", "syn_rep", "content_outlet", "content_host"), "ord",
                         "left")

    def labels_of(rows):
        from claimmap.outlets.registry import load_registry

        apply_settings(settings)
        registry = load_registry()
        for r in rows:
            yield (r.ord, r.hash, independence_labels(registry, r.outlet, r.url, r.syn_rep,
                                                      r.content_outlet, r.content_host))

    doc_labels = spark.createDataFrame(
        with_syn.rdd.mapPartitions(labels_of),
        "ord long, hash string, labels array<string>").persist(level)
    label_edges = (doc_labels.where(F.size("labels") > 0)
                   .select(F.get(F.col("labels"), 0).alias("src"), F.explode("labels").alias("dst")))
    comps = connected_components(label_edges)
    keys = (doc_labels.join(comps, F.get(F.col("labels"), 0) == comps["node"], "left")
            .select("ord", "hash", F.when(F.col("comp").isNull(), F.concat(F.lit("doc:"), "hash"))
                    .otherwise(F.substring_index("comp", "|", -1)).alias("key"))
            .join(syn.select("ord", "syn_rep"), "ord", "left")
            .join(base.select("ord", "outlet"), "ord").persist(level))

    # 4. owner/state families: 2+ documents with one key, unless exactly one syndication family
    syn_size = syn.groupBy("syn_rep").agg(F.count("*").alias("syn_size"))
    groups = (keys.where(~F.col("key").startswith("doc:")).groupBy("key")
              .agg(F.count("*").alias("n"), F.countDistinct("syn_rep").alias("nsyn"),
                   F.sum(F.when(F.col("syn_rep").isNull(), 1).otherwise(0)).alias("nnull"),
                   F.first("syn_rep", ignorenulls=True).alias("any_syn"))
              .join(syn_size, F.col("any_syn") == syn_size["syn_rep"], "left")
              .where((F.col("n") >= 2) & ~((F.col("nnull") == 0) & (F.col("nsyn") == 1)
                                           & (F.col("n") == F.col("syn_size"))))
              .select("key"))
    owner = (keys.join(groups, "key")
             .select(F.col("key").alias("family"),
                     F.when(F.col("key").startswith("state:"), "state").otherwise("owner")
                     .alias("kind"),
                     F.col("hash").alias("doc_hash"), "ord",
                     F.lit(None).cast("string").alias("origin"),
                     F.lit(None).cast("string").alias("origin_outlet"),
                     F.when(F.col("key").startswith("state:"), REASON_STATE)
                     .otherwise(REASON_OWNER).alias("reason"),
                     "key", "outlet",
                     F.lit(None).cast("string").alias("copy_of"),
                     F.lit(None).cast("string").alias("copy_of_outlet")))
    syndication = (syn.join(keys.select("ord", "key"), "ord")
                   .select(*[c for c in FAMILY_COLUMNS]))
    out = syndication.unionByName(owner.select(*FAMILY_COLUMNS)).localCheckpoint()
    for df in (clusters, syn, doc_labels, comps, keys):
        df.unpersist()
    return out
