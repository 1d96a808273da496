"""Command line: ``claimmap analyze | demo | serve | schema | eval | corpus | batch``.

User errors print one line, ``claimmap: error: …``, on stderr and exit non-zero (see
``claimmap.errors`` for the codes); never a traceback. Set CLAIMMAP_DEBUG=1 to see one for an
internal error.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from claimmap.errors import ClaimmapError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="claimmap: map an article's claims — who said what, who disputes it.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluate a stage on a benchmark; prints one JSON object.")
app.add_typer(eval_app, name="eval")
corpus_app = typer.Typer(no_args_is_help=True, help="Build and inspect the local corpus of analysed articles.")
app.add_typer(corpus_app, name="corpus")

EXAMPLE = "harbour_talks.txt"
INTERNAL_ERROR_EXIT = 70
SHUTDOWN_GRACE = 3  # seconds `serve` lets requests finish after SIGTERM


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    claimreview = "claimreview"


def _fail(message: str, code: int) -> None:
    typer.echo(f"claimmap: error: {message}", err=True)
    raise typer.Exit(code)


def _write(content: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(content, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}", 1)


def _emit(report, fmt: Format, output: Optional[Path]) -> None:
    if fmt is Format.json:
        _write(report.to_json(), output)
    elif fmt is Format.html:
        _write(report.to_html(), output)
    elif fmt is Format.claimreview:
        from claimmap.report.claimreview import to_claimreview

        _write(json.dumps(to_claimreview(report), ensure_ascii=False, indent=2), output)
    elif output is None:
        from claimmap.report.terminal import print_report

        print_report(report)
    else:
        from rich.console import Console

        from claimmap.report.terminal import print_report

        with output.open("w", encoding="utf-8") as fh:
            print_report(report, Console(file=fh, width=120, force_terminal=False))


@app.command()
def analyze(
    source: str = typer.Argument(..., help="A local file (HTML or text), an http(s) URL, or - for stdin."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    allow_private: bool = typer.Option(False, "--allow-private",
                                       help="Allow fetching loopback/private addresses (intranet URLs)."),
    db: Optional[str] = typer.Option(None, "--db", help="Corroborate against this corpus (SQLite file or postgresql:// URL): adds document.copy_of and verdicts."),
    window_days: Optional[int] = typer.Option(None, "--window-days", help="Evidence date window around the article's date, in days (default: setting CLAIMMAP_WINDOW_DAYS)."),
    published: Optional[str] = typer.Option(None, "--published", help="The article's publication date (YYYY-MM-DD) when the source does not carry one."),
    url: Optional[str] = typer.Option(None, "--url", help="Where a file or stdin article was published (http/https; not fetched): document.url and the ClaimReview appearance."),
) -> None:
    """Analyze one article: zones, statements, disputes, framing; with --db, corroboration."""
    if url is not None:
        from urllib.parse import urlsplit

        if urlsplit(url.strip()).scheme.lower() not in ("http", "https") or not urlsplit(url.strip()).hostname:
            _fail(f"--url {url!r}: give the http(s) address the article was published at", 2)
        if source.lower().startswith(("http://", "https://")):
            _fail("--url goes with a file or stdin; a fetched URL is its own address", 2)
    if not db:  # the analysis runs on spaCy, numpy and onnxruntime: keep spaCy's import from loading torch
        from claimmap.nlp import import_spacy_without_torch

        import_spacy_without_torch()
    from claimmap.pipeline import analyze as run

    if allow_private:
        os.environ["CLAIMMAP_ALLOW_PRIVATE_URLS"] = "1"
    if published is not None:
        from datetime import date

        try:
            date.fromisoformat(published.strip()[:10])
        except ValueError:
            _fail(f"--published {published!r}: use an ISO date (YYYY-MM-DD)", 2)
    store = None
    if db:
        if "://" not in db and not Path(db).expanduser().exists():
            _fail(f"no corpus at {db} (build one with: claimmap corpus add SOURCE… --db {db})", 2)
        store = _open_corpus(db)

    stdin = None
    if source == "-":
        stdin = sys.stdin.buffer.read() if sys.stdin is not None else b""
    from claimmap.limits import time_limit

    try:
        with time_limit():  # CLAIMMAP_ANALYSIS_TIMEOUT: one error line when the analysis runs over
            report = run(source, stdin=stdin)
            if published is not None:
                report.document.published = published.strip()
            if url is not None:
                from claimmap.report.claims import set_source_url

                set_source_url(report, url.strip())
            if store is not None:
                from claimmap.corroborate import corroborate

                corroborate(report, store, window_days=window_days)
    finally:
        if store is not None:
            store.close()
    _emit(report, format, output)


@app.command()
def demo(
    output: Path = typer.Option(Path("claimmap-demo.html"), "--output", "-o", help="Where to write the HTML report."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="What to print on stdout besides the HTML file."),
    corroborate: bool = typer.Option(True, "--corroborate/--no-corroborate", help="Check the claims against the shipped coverage corpus (a wire original, a copy, an independent report, a denial, a relay): said/so verdicts, copy_of and evidence."),
    db: Optional[Path] = typer.Option(None, "--db", help="Keep the demo's coverage corpus in this SQLite file (default: a temporary one)."),
) -> None:
    """Analyze the shipped example article, corroborate it against the shipped coverage corpus, and
    write its HTML report."""
    from claimmap.demo import example_report

    report = example_report(corroborate=corroborate, db=db)
    _write(report.to_html(), output)
    if format is Format.json:
        _write(report.to_json(), None)
    else:
        from claimmap.report.terminal import print_report

        print_report(report)
    typer.echo(f"HTML report written to {output}", err=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: Optional[Path] = typer.Option(None, "--db", help="SQLite file for reports and the corpus (default: setting CLAIMMAP_DB)."),
    allow_private: bool = typer.Option(False, "--allow-private",
                                       help="Let URL analysis fetch private/loopback addresses (intranet use)."),
    corpus: Optional[str] = typer.Option(None, "--corpus", help="Corpus to corroborate every analysis against (SQLite file or postgresql:// URL; default: setting CLAIMMAP_CORPUS_DB)."),
) -> None:
    """Run the web UI and REST API (uvicorn). URL fetching refuses private addresses unless --allow-private."""
    try:
        import uvicorn

        from claimmap.api import create_app
    except ImportError as exc:
        _fail(f"the web app needs fastapi and uvicorn ({exc.name} is missing): pip install fastapi uvicorn", 1)
    if corpus and "://" not in corpus and not Path(corpus).expanduser().exists():
        _fail(f"no corpus at {corpus} (build one with: claimmap corpus add SOURCE… --db {corpus})", 2)
    application = create_app(db_path=db, allow_private=True if allow_private else None, corpus_db=corpus)
    typer.echo(f"claimmap: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/ "
               f"(reports in {application.state.reports.path})", err=True)
    # SIGTERM: in-flight requests get SHUTDOWN_GRACE seconds, then are cancelled and the analysis
    # workers killed (claimmap.api.workers), so the server stops within seconds, never waits on one
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False,
                server_header=False, timeout_graceful_shutdown=SHUTDOWN_GRACE)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analyze output."""
    from claimmap.report.json import schema as get_schema

    _write(json.dumps(get_schema(), indent=2), None)


@eval_app.command("extraction")
def eval_extraction(path: Path = typer.Argument(..., help="Folder laid out like article-extraction-benchmark.")) -> None:
    """Body extraction: token precision/recall/F1 against ground-truth.json."""
    from claimmap.evaluate.extraction import evaluate_extraction

    _write(json.dumps(evaluate_extraction(path), indent=2), None)


@eval_app.command("comments")
def eval_comments(path: Path = typer.Argument(..., help="Folder laid out like trafilatura-eval.")) -> None:
    """Comment zones: segment precision/recall/F1 on pages with annotated comments."""
    from claimmap.evaluate.extraction import evaluate_comment_zones

    _write(json.dumps(evaluate_comment_zones(path), indent=2), None)


@eval_app.command("attribution")
def eval_attribution(path: Path = typer.Argument(..., help="Folder laid out like one PolNeAR split.")) -> None:
    """Attribution: source/cue/content span P/R/F1, exact and overlap."""
    from claimmap.evaluate.attribution import evaluate_attribution

    _write(json.dumps(evaluate_attribution(path), indent=2), None)


@eval_app.command("statements")
def eval_statements(
    path: Path = typer.Argument(..., help="Folder laid out like article-extraction-benchmark (ground-truth.json) or trafilatura-eval (evaldata.json)."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold statements (JSONL); default: the audit set shipped in claimmap/data/audit."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", help="Score statements with at least this confidence (0: every statement); default: those reports use (CLAIMMAP_STATEMENT_THRESHOLD)."),
    per_page: bool = typer.Option(False, "--per-page", help="Add each page's counts and errors."),
    html: bool = typer.Option(False, "--html", help="Analyse each page's HTML (zoner included) instead of its articleBody as plain text."),
) -> None:
    """Statements on the hand-annotated audit set: precision, recall, speaker and polarity accuracy, wrong sides."""
    from claimmap.evaluate.statements import evaluate_statements

    _write(json.dumps(evaluate_statements(path, gold, min_confidence=min_confidence, per_page=per_page, html=html), indent=2), None)


@eval_app.command("checkworthiness")
def eval_checkworthiness(path: Path = typer.Argument(..., help="Folder laid out like CLEF-2019 CheckThat! task 1 (one tsv per debate).")) -> None:
    """Check-worthiness ranking: MAP, R-precision, P@5 over debates."""
    from claimmap.evaluate.checkworthiness import evaluate_checkworthiness

    res = evaluate_checkworthiness(path)
    _write(json.dumps({k: res[k] for k in ("map", "r_precision", "p_at_5", "n_debates")} | {"per_debate": res["per_debate"]}, indent=2), None)


@eval_app.command("techniques")
def eval_techniques(
    articles: Path = typer.Option(..., "--articles", help="Folder of article<ID>.txt files."),
    si: Path = typer.Option(..., "--si", help="SI labels: id start end."),
    tc: Path = typer.Option(..., "--tc", help="TC labels: id technique start end."),
) -> None:
    """Persuasion techniques: SI partial-overlap P/R/F1 and TC micro-F1 on gold spans."""
    from claimmap.evaluate.techniques import evaluate_techniques

    _write(json.dumps(evaluate_techniques(articles, si, tc), indent=2), None)


@eval_app.command("stance")
def eval_stance(
    bodies: Path = typer.Option(..., "--bodies", help="FNC-1 bodies csv (Body ID, articleBody)."),
    stances: Path = typer.Option(..., "--stances", help="FNC-1 stances csv (Headline, Body ID, Stance)."),
    limit: int = typer.Option(0, "--limit", help="Score only the first N pairs (0 = all)."),
) -> None:
    """Stance (agree/disagree/discuss/unrelated): official FNC-1 score, macro-F1, per class."""
    from claimmap.evaluate.stance import evaluate_stance

    _write(json.dumps(evaluate_stance(bodies, stances, limit=limit or None), indent=2), None)


@eval_app.command("verdicts")
def eval_verdicts(
    path: Path = typer.Argument(..., help="Claims JSONL in Climate-FEVER's layout (or Emergent's CSV)."),
    split: str = typer.Option("", "--split", help="Score only one split of the fixed 60/20/20 train/cal/test split by claim id (test = never trained or calibrated on)."),
    limit: int = typer.Option(0, "--limit", help="Score only the first N claims (0 = all)."),
    to_jsonl: Optional[Path] = typer.Option(None, "--to-jsonl", help="Only convert the input (e.g. Emergent's CSV) to the JSONL layout at this path."),
) -> None:
    """Claim-level verdicts: stance on every pair, each evidence its own family, the verdict rule."""
    from claimmap.evaluate.verdicts import evaluate_verdicts, read_claims

    if to_jsonl is not None:
        claims = read_claims(path)
        to_jsonl.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims), encoding="utf-8")
        typer.echo(f"claimmap: wrote {len(claims)} claims to {to_jsonl}", err=True)
        return
    _write(json.dumps(evaluate_verdicts(path, split=split or None, limit=limit or None), indent=2), None)


class CorpusFormat(str, Enum):
    text = "text"
    json = "json"


_DB_HELP = ("Corpus: a SQLite file or a postgresql://user@host/dbname URL (default: setting "
            "CLAIMMAP_CORPUS_DB, else corpus.db beside CLAIMMAP_DB).")


def _open_corpus(db: Optional[str]):
    from claimmap.corpus.store import open_store

    return open_store(db or None)


def _corpus_summary(format, result, stats: dict, what: str) -> None:
    """The closing line of corpus add/load: JSON (result + corpus counts) or one text line."""
    if format is CorpusFormat.json:
        _write(json.dumps({**result.to_dict(), "corpus": stats}, indent=2), None)
    else:
        typer.echo(f"{what}; corpus: {stats['documents']} documents, {stats['sentences']} sentences, "
                   f"{stats['statements']} statements, {stats['families']} families")


@corpus_app.command("add")
def corpus_add(
    sources: list[str] = typer.Argument(..., help="Files, folders, JSONL, WARC(.gz), URL lists (.txt) or URLs."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    no_embed: bool = typer.Option(False, "--no-embed", help="Store no embeddings (full-text search only)."),
    batch: Optional[int] = typer.Option(None, "--batch", min=1, help="Articles per transaction (default: setting CLAIMMAP_CORPUS_BATCH)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes analysing articles in parallel (one per core; results stored in input order)."),
    format: CorpusFormat = typer.Option(CorpusFormat.text, "--format", "-f", help="Summary format."),
) -> None:
    """Analyse and add articles to the corpus. Idempotent; a bad item is one error line."""
    from claimmap import config
    from claimmap.corpus.ingest import ingest

    batch_size = batch or config.get_int("CLAIMMAP_CORPUS_BATCH")
    embedder = None
    if not no_embed:
        from claimmap.corpus.embed import get_embedder

        embedder = get_embedder()

    def report(label: str, status: str, error: Optional[str]) -> None:
        if status == "failed":
            typer.echo(f"claimmap: item error: {label}: {error}", err=True)

    store = _open_corpus(db)
    try:
        result = ingest(store, sources, embedder=embedder, batch_size=batch_size, on_item=report,
                        progress=sys.stderr.isatty(), workers=workers)
        stats = store.stats()
    finally:
        store.close()
    _corpus_summary(format, result, stats,
                    f"added {result.added}, skipped {result.skipped} (already in the corpus), "
                    f"failed {result.failed}")
    if result.total == 0:
        _fail("no articles found in the sources given", 1)
    if result.failed and result.failed == result.total:
        raise typer.Exit(1)


@corpus_app.command("stats")
def corpus_stats(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    format: CorpusFormat = typer.Option(CorpusFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Counts of documents, sentences, statements and families."""
    store = _open_corpus(db)
    try:
        stats = store.stats()
    finally:
        store.close()
    if format is CorpusFormat.json:
        _write(json.dumps(stats), None)
    else:
        for k, v in stats.items():
            typer.echo(f"{k:<11} {v}")


@corpus_app.command("families")
def corpus_families(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    format: CorpusFormat = typer.Option(CorpusFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Syndication, owner and state families of the stored documents (recomputed and stored)."""
    from claimmap.corpus.ingest import refresh_families

    store = _open_corpus(db)
    try:
        fams = refresh_families(store)
        urls = {d: (u or "") for d, _s, _t, u, _o, _p in store.signatures()}
    finally:
        store.close()
    if format is CorpusFormat.json:
        _write(json.dumps({"families": fams}, indent=2), None)
        return
    if not fams:
        typer.echo("no families: every stored document is independent")
    for f in fams:
        typer.echo(f"{f['id']}  ({f['kind']}, {len(f['members'])} documents: {f['reason']})")
        for m in f["members"]:
            mark = "*" if m == f.get("origin") else " "
            typer.echo(f"  {mark} {m}  {urls.get(m, '')}")


@corpus_app.command("load")
def corpus_load(
    directory: Path = typer.Argument(..., help="Output folder of 'claimmap batch' (Parquet tables)."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    batch: int = typer.Option(500, "--batch", min=1, help="Documents per transaction (bulk add_many)."),
    format: CorpusFormat = typer.Option(CorpusFormat.text, "--format", "-f", help="Summary format."),
) -> None:
    """Load a 'claimmap batch' output into the corpus store, with its families. Idempotent."""
    from claimmap.batch.load import load_batch

    store = _open_corpus(db)
    try:
        result = load_batch(directory, store, batch_size=batch)
        stats = store.stats()
    finally:
        store.close()
    _corpus_summary(format, result, stats,
                    f"loaded {result.documents} documents from {result.days} days: added "
                    f"{result.added}, skipped {result.skipped} (already in the corpus); families: "
                    f"{result.families} ({result.families_source})")


@app.command("batch")
def batch_command(
    inputs: list[str] = typer.Argument(..., help="WARC(.gz), JSONL, HTML/text files or folders; local paths or s3a://, gs://, hdfs:// URIs."),
    output: str = typer.Option(..., "--output", "-o", help="Folder (or object-store URI) for the Parquet tables; overwritten."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master (default local[*]; under spark-submit, its own)."),
    no_embed: bool = typer.Option(False, "--no-embed", help="Compute no embeddings."),
    partitions: Optional[int] = typer.Option(None, "--partitions", min=1, help="Spread the records over N partitions (default: 2 x the cores)."),
    format: CorpusFormat = typer.Option(CorpusFormat.text, "--format", "-f", help="Summary format."),
) -> None:
    """Run the corpus pipeline on Apache Spark and write Parquet tables; load them with 'claimmap corpus load'."""
    from claimmap.batch.job import run_batch

    result = run_batch(inputs, output, master=master, embed=not no_embed, partitions=partitions)
    if format is CorpusFormat.json:
        _write(json.dumps(result.to_dict(), indent=2), None)
    else:
        for e in result.error_samples:
            typer.echo(f"claimmap: item error: {e['source']}: {e['error']}", err=True)
        if result.errors > len(result.error_samples):
            typer.echo(f"claimmap: … {result.errors - len(result.error_samples)} more errors in "
                       f"{output}/errors", err=True)
        rate = result.records / result.seconds if result.seconds else 0.0
        typer.echo(f"{result.records} records: {result.documents} documents, "
                   f"{result.duplicates} repeated bodies, {result.errors} errors; "
                   f"{result.sentences} sentences, {result.statements} statements, "
                   f"{result.families} families; {result.seconds:.1f} s ({rate:.1f} records/s) "
                   f"on {result.master}; tables in {result.output}")
    if result.records == 0:
        _fail("no articles found in the inputs given", 1)
    if result.errors == result.records:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every user error into one line on stderr."""
    try:
        code = app(args=argv, prog_name="claimmap", standalone_mode=False)
    except ClaimmapError as exc:
        typer.echo(f"claimmap: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # usage errors (typer's click) and anything unexpected
        names = {cls.__name__ for cls in type(exc).__mro__}
        if "ClickException" in names:  # bad option or argument: click's own one-line usage message
            exc.show()
            sys.exit(exc.exit_code)
        if "Abort" in names:
            sys.exit(1)
        if os.environ.get("CLAIMMAP_DEBUG"):
            raise
        typer.echo(f"claimmap: error: internal error ({exc.__class__.__name__}: {exc}); "
                   "rerun with CLAIMMAP_DEBUG=1 for a traceback and report it", err=True)
        sys.exit(INTERNAL_ERROR_EXIT)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
