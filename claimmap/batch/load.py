"""``claimmap corpus load DIR --db PATH_OR_URL``: put a ``claimmap batch`` output into a store.

Reads the Parquet tables with pyarrow (no Spark, no Java), one ``day`` partition at a time,
documents in input order (``ord``) within a day, and stores them with ``Store.add_many`` (one
transaction per ``batch_size`` documents; ``add_document`` in a ``batch()`` on a store without
it), each document's input key marked seen (so ``corpus add`` of the same inputs skips them).
Then the families: the batch ``families`` table, its content hashes turned into the store's
document ids, replaces the stored families (``set_families``) when the store holds exactly the
batch's documents; when it holds others too, the families are recomputed over the whole store
(``refresh_families``), as ``corpus add`` would. Loading twice changes nothing: documents are
identified by their body hash.

Within one day the load order is the input order; days go in calendar order. Family origins
break ties by position only between documents of the same day, so the stored families are the
ones ``claimmap corpus families`` recomputes on the loaded store.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from claimmap.batch import MANIFEST, UNKNOWN_DAY
from claimmap.errors import ClaimmapError


@dataclass
class LoadResult:
    documents: int = 0
    added: int = 0
    skipped: int = 0
    days: int = 0
    families: int = 0
    families_source: str = "batch"   # "batch" (the families table) or "recomputed"
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _pa():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ClaimmapError("claimmap corpus load needs pyarrow (pip install -r requirements.txt)"
                            ) from None
    return pa, pq


def _days(root: Path) -> list[str]:
    d = root / "documents"
    days = sorted(p.name.split("=", 1)[1] for p in d.iterdir()
                  if p.is_dir() and p.name.startswith("day="))
    return sorted(days, key=lambda x: (x == UNKNOWN_DAY, x))


def _read(path: Path, columns: list[str] | None = None):
    _, pq = _pa()
    if not path.is_dir():
        return None
    return pq.read_table(path, columns=columns)


def _matrix(column, n: int):
    """float32 (n, dim) matrix of a list<float> column, or None when it is all null."""
    import numpy as np

    col = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if n == 0 or col.null_count == n:
        return None
    if col.null_count:
        raise ClaimmapError("some embeddings are missing in the batch output")
    values = np.asarray(col.values.to_numpy(zero_copy_only=False), dtype=np.float32)
    return values.reshape(n, -1)


def _check(root: Path) -> dict:
    if not (root / "documents").is_dir():
        raise ClaimmapError(f"{root} is not a claimmap batch output (no documents table)")
    m = root / MANIFEST
    if m.is_file():
        try:
            return json.loads(m.read_text("utf-8"))
        except ValueError as exc:
            raise ClaimmapError(f"{m}: broken manifest: {exc}") from None
    return {}


def load_batch(directory, store, *, batch_size: int = 500, families: bool = True,
               on_day: Callable[[str, int], None] | None = None) -> LoadResult:
    """Load the batch output under ``directory`` into ``store`` (see module doc)."""
    from claimmap.corpus.store import DocRecord, SentenceRecord, StatementRecord

    t0 = time.perf_counter()
    root = Path(directory).expanduser()
    manifest = _check(root)
    if manifest.get("embedder") and manifest.get("dim") and hasattr(store, "set_embedder"):
        store.set_embedder(manifest["embedder"])  # refuses vectors of another model up front
    result = LoadResult()
    id_of: dict[str, int] = {}
    add_many = getattr(store, "add_many", None)

    def flush(items: list[tuple], keys: list[str | None]) -> None:
        if not items:
            return
        with store.batch():
            if add_many is not None:
                res = add_many(items)
            else:
                res = [store.add_document(d, s, t, e, g, statement_embeddings=se)
                       for d, s, t, e, g, se in items]
            for (doc_id, added), item, key in zip(res, items, keys, strict=True):
                id_of[item[0].hash] = int(doc_id)
                if key:
                    store.mark_seen(key, int(doc_id))
                result.added += bool(added)
                result.skipped += not added
        items.clear()
        keys.clear()

    for day in _days(root):
        part = f"day={day}"
        docs = _read(root / "documents" / part).sort_by([("ord", "ascending")])
        n = docs.num_rows
        d = docs.to_pydict()
        sigs = _read(root / "signatures" / part, ["hash", "signature"])
        sig_of = dict(zip(sigs.column("hash").to_pylist(), sigs.column("signature").to_pylist(),
                          strict=True)) if sigs is not None else {}
        sents = _read(root / "sentences" / part)
        if sents is not None:
            sents = sents.sort_by([("ord", "ascending"), ("idx", "ascending")])
            s_cols = {c: sents.column(c).to_pylist() for c in ("doc_hash", "start", "end", "text")}
            s_emb = _matrix(sents.column("embedding"), sents.num_rows)
        stmts = _read(root / "statements" / part)
        if stmts is not None:
            stmts = stmts.sort_by([("ord", "ascending"), ("idx", "ascending")])
            t_cols = {c: stmts.column(c).to_pylist() for c in (
                "doc_hash", "content", "speaker", "canonical", "side", "cue", "kind", "polarity")}
            t_emb = _matrix(stmts.column("embedding"), stmts.num_rows)
        si = ti = 0
        items: list[tuple] = []
        keys: list[str | None] = []
        for i in range(n):
            h = d["hash"][i]
            ns, nt = int(d["n_sentences"][i]), int(d["n_statements"][i])
            sentences = []
            if ns:
                if s_cols["doc_hash"][si] != h or s_cols["doc_hash"][si + ns - 1] != h:
                    raise ClaimmapError(f"{root}: sentences of document {h} are not where the "
                                        "documents table says (a damaged batch output?)")
                sentences = [SentenceRecord(s_cols["text"][k], s_cols["start"][k], s_cols["end"][k])
                             for k in range(si, si + ns)]
            statements = []
            if nt:
                if t_cols["doc_hash"][ti] != h or t_cols["doc_hash"][ti + nt - 1] != h:
                    raise ClaimmapError(f"{root}: statements of document {h} are not where the "
                                        "documents table says (a damaged batch output?)")
                statements = [StatementRecord(
                    t_cols["content"][k], t_cols["speaker"][k], t_cols["canonical"][k],
                    t_cols["side"][k], t_cols["cue"][k], t_cols["kind"][k], t_cols["polarity"][k])
                    for k in range(ti, ti + nt)]
            emb = s_emb[si:si + ns] if ns and s_emb is not None else None
            semb = t_emb[ti:ti + nt] if nt and t_emb is not None else None
            si, ti = si + ns, ti + nt
            rec = DocRecord(text=d["text"][i], url=d["url"][i], outlet=d["outlet"][i],
                            published=d["published"][i], title=d["title"][i],
                            source=d["source"][i], hash=h,
                            # outputs written before the column existed: language unknown
                            language=d["language"][i] if "language" in d else None)
            items.append((rec, sentences, statements, emb, sig_of.get(h), semb))
            keys.append(d["key"][i])
            if len(items) >= batch_size:
                flush(items, keys)
        flush(items, keys)
        result.documents += n
        result.days += 1
        if on_day:
            on_day(day, n)

    if families:
        stored = store.stats()["documents"]
        if stored == len(id_of):
            fams = batch_families(root, id_of)
            store.set_families(fams)
            result.families_source = "batch"
        else:
            from claimmap.corpus.ingest import refresh_families

            fams = refresh_families(store)
            result.families_source = "recomputed"
        result.families = len(fams)
    result.seconds = time.perf_counter() - t0
    return result


def batch_families(directory, id_of: dict[str, int]) -> list[dict]:
    """The batch ``families`` table as ``Store.set_families`` dicts, content hashes replaced by
    the store's document ids (``id_of``)."""
    table = _read(Path(directory) / "families")
    if table is None:
        return []
    rows = sorted(table.to_pylist(), key=lambda r: (r["family"], r["ord"]))
    out: dict[str, dict] = {}
    for r in rows:
        fid = r["family"]
        if r["kind"] == "syndication":
            fid = "syndication:" + str(id_of[fid.split(":", 1)[1]])
        f = out.setdefault(r["family"], {
            "id": fid, "kind": r["kind"], "members": [],
            "origin": id_of[r["origin"]] if r["origin"] else None,
            "origin_outlet": r["origin_outlet"], "reason": r["reason"], "key": r["key"]})
        f["members"].append(id_of[r["doc_hash"]])
    return list(out.values())
