"""The FastAPI application: REST API under /api, server-rendered web UI at /.

Safe to run as a shared service: URL fetching goes through the address guard in
``claimmap.sources.fetch`` (private targets refused unless ``allow_private``), request bodies
are capped, an optional bearer token protects /api, every HTML response carries a strict
Content-Security-Policy (no inline script or style) and every piece of article text is escaped
by Jinja2 autoescaping. User errors are 4xx JSON ``{"error", "message", "status"}``; a bug is
logged and answered with a generic 500 JSON, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimmap import config
from claimmap.api import auth
from claimmap.api.jobs import JobStore
from claimmap.errors import (
    BlockedURLError,
    ClaimmapError,
    DataError,
    FetchError,
    InputError,
    InputTooLargeError,
    UnsupportedLanguageError,
)

from claimmap.api.workers import ProcessRunner, ThreadRunner, WorkerCrashedError
from claimmap.limits import AnalysisTimeoutError, TextTooLongError, check_text_length

log = logging.getLogger("claimmap.api")


class NoCorpusError(ClaimmapError):
    """Corroboration was asked for but the server has no corpus."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


# ----------------------------------------------------------------------------- errors
def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, "status": status, **extra}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, **extra), status_code=status)


#: claimmap error -> (HTTP status, error code), first match wins (subclasses before their bases)
ERROR_STATUS: tuple[tuple[type, int, str], ...] = (
    (NoCorpusError, 422, "no_corpus"),
    (BlockedURLError, 400, "blocked_url"),
    (UnsupportedLanguageError, 422, "unsupported_language"),
    (InputTooLargeError, 413, "input_too_large"),
    (TextTooLongError, 422, "text_too_long"),
    (AnalysisTimeoutError, 422, "analysis_timeout"),
    (WorkerCrashedError, 500, "analysis_failed"),
    (InputError, 422, "invalid_input"),
    (FetchError, 502, "fetch_failed"),
    (DataError, 500, "server_data_error"),
)


def classify(exc: ClaimmapError) -> tuple[int, str]:
    """claimmap error -> (HTTP status, error code)."""
    return next(((status, code) for cls, status, code in ERROR_STATUS if isinstance(exc, cls)), (400, "error"))


# ----------------------------------------------------------------------------- ASGI middleware
class SecurityMiddleware:
    """Body-size cap (413 JSON) and security headers on every response."""

    def __init__(self, app, max_body: int, html_error=None) -> None:
        self.app = app
        self.max_body = max_body
        self.html_error = html_error  # (status, message) -> an HTML Response, for the web UI's paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        path = scope.get("path") or ""
        if self.html_error is not None and not path.startswith("/api") and path != "/openapi.json":
            mb = self.max_body / (1024 * 1024)
            too_big = self.html_error(413, f"That is more than this server accepts at once ({mb:.0f} MB). "
                                           "Paste the article without the rest of the page, or give its link.")
        else:
            too_big = JSONResponse(
                error_body(413, "body_too_large", f"request body over the {self.max_body}-byte limit"), status_code=413)
        if declared is not None:
            try:
                if int(declared) > self.max_body:
                    return await too_big(scope, receive, self._wrap_send(send))
            except ValueError:
                return await JSONResponse(error_body(400, "bad_request", "invalid Content-Length"),
                                          status_code=400)(scope, receive, self._wrap_send(send))
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            # read the body here, up to the limit, then replay it to the app: an oversized body
            # is refused before any of it is parsed
            chunks, seen = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body = message.get("body", b"")
                seen += len(body)
                if seen > self.max_body:
                    return await too_big(scope, receive, self._wrap_send(send))
                chunks.append(body)
                if not message.get("more_body", False):
                    break
            replayed = False

            async def replay():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                return await receive()

            return await self.app(scope, replay, self._wrap_send(send))
        await self.app(scope, receive, self._wrap_send(send))

    @staticmethod
    def _wrap_send(send):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)
        return wrapped


# ----------------------------------------------------------------------------- request models
class AnalyzeRequest(BaseModel):
    """Exactly one of ``url`` (http/https, fetched through the address guard), ``text`` or ``html``."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, description="An http(s) URL to fetch and analyze.", max_length=8192)
    text: str | None = Field(None, description="Plain article text (a pasted article or scraped dump).")
    html: str | None = Field(None, description="An HTML page as a string.")
    corroborate: bool | None = Field(
        None, description="Check the claims against the server's corpus (adds `verdicts`, `corroboration_run` and "
                          "`document.copy_of`). Default: yes when the server has a configured corpus "
                          "(CLAIMMAP_CORPUS_DB); `true` also uses the default corpus beside the report database; "
                          "422 `no_corpus` when there is none.")
    window_days: int | None = Field(None, ge=0, le=36500,
                                    description="Evidence date window around the article's date, in days "
                                                "(default: setting CLAIMMAP_WINDOW_DAYS).")
    published: str | None = Field(None, max_length=40,
                                  description="The article's publication date (YYYY-MM-DD) when the source "
                                              "has none: it centres the evidence window.")
    run_async: bool = Field(False, alias="async",
                            description="Answer at once with 202 and a job (`GET /api/jobs/{id}`: stage, progress, "
                                        "elapsed, then `report_id`) instead of waiting for the report.")
    source_url: str | None = Field(None, max_length=8192,
                                   description="Where pasted `text` or `html` was published (http/https). Never "
                                               "fetched: it becomes `document.url`, the `appearance` of each "
                                               "ClaimReview item.")

    @field_validator("published")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        return _iso_day(v)

    @field_validator("source_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        return _source_url(v)

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [k for k in ("url", "text", "html") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of url, text or html"
                             + (f" (got {', '.join(given)})" if given else ""))
        if self.source_url and self.url is not None:
            raise ValueError("source_url goes with text or html; a fetched url is its own source")
        return self


class CorpusDocument(BaseModel):
    """One article for the corpus, stored as ``claimmap corpus add`` stores a JSONL line."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, description="The article's text (analysed; its body sentences indexed).")
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=8192, description="Where it was published (not fetched).")
    site: str | None = Field(None, max_length=200, description="Outlet: a registry id (or a name), else found from the url.")
    published: str | None = Field(None, max_length=40, description="Publication date, YYYY-MM-DD (or ISO datetime).")

    @field_validator("published")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        return _iso_day(v)

    @field_validator("url", "site")
    @classmethod
    def _stored_as_given(cls, v: str | None, info) -> str | None:
        """url: http(s) only; site: plain text (both end up in reports and evidence links)."""
        from claimmap.corpus.ingest import check_doc_url, check_site

        try:
            return (check_doc_url if info.field_name == "url" else check_site)(v)
        except ClaimmapError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None


def _source_url(v: str | None) -> str | None:
    """An http(s) url with a host, stripped (None for blank); never fetched."""
    if v is None or not v.strip():
        return None
    v = v.strip()
    parts = urlsplit(v)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("source_url must be an http(s) url")
    return v


def _iso_day(v: str | None) -> str | None:
    if v is None or not v.strip():
        return None
    from datetime import date

    try:
        date.fromisoformat(v.strip()[:10])
    except ValueError:
        raise ValueError("use an ISO date (YYYY-MM-DD)") from None
    return v.strip()


# ----------------------------------------------------------------------------- the app
def create_app(*, db_path: str | Path | None = None, allow_private: bool | tuple | None = None,
               token: str | None = None, max_body: int | None = None, workers: int | None = None,
               warm: bool = True, corpus_db: str | Path | None = None,
               corroborate_options: dict[str, Any] | None = None, isolation: str | None = None) -> FastAPI:
    """Build the app. ``None`` arguments read the settings: CLAIMMAP_DB, CLAIMMAP_ALLOW_PRIVATE_URLS,
    CLAIMMAP_API_TOKEN, CLAIMMAP_API_MAX_BODY, CLAIMMAP_API_WORKERS, CLAIMMAP_CORPUS_DB (a configured
    corpus, when it exists, corroborates every analysis by default; without one, ``corpus.db``
    beside the report database serves the corpus endpoints and corroborates on request, see
    ``claimmap.api.corpus``). ``corroborate_options``: extra keyword arguments for
    ``claimmap.corroborate.corroborate`` (``embedder``, ``stance``, ``k``). ``warm`` loads the NLP
    pipeline at startup (one throwaway analysis) so the first request is not slow."""
    import jinja2

    from claimmap import __version__
    from claimmap.api.corpus import Corpus
    from claimmap.api.store import ReportStore, default_db_path
    from claimmap.sources.fetch import allow_private_setting

    db = Path(db_path) if db_path is not None else default_db_path()
    if allow_private is None:
        allow_private = allow_private_setting()
    token = token if token is not None else (config.get("CLAIMMAP_API_TOKEN") or None)
    max_body = max_body if max_body is not None else config.get_int("CLAIMMAP_API_MAX_BODY")
    workers = workers if workers is not None else max(1, config.get_int("CLAIMMAP_API_WORKERS"))
    isolation = (isolation or config.get("CLAIMMAP_API_ISOLATION") or "process").strip().lower()
    if isolation not in ("process", "thread"):
        raise ClaimmapError(f"API isolation {isolation!r}: use process or thread")

    def make_runner():
        """Analyses run in worker processes that can be stopped (see ``claimmap.api.workers``)."""
        corpus = app.state.corpus
        warm_job = partial(_warm_worker, corroboration=bool(
            corpus.auto and corpus.exists() and not app.state.corroborate_options)) if warm else None
        if isolation == "thread":
            return ThreadRunner(workers, warm_job)
        from claimmap.limits import budget_seconds

        return ProcessRunner(workers, budget_seconds(), warm_job)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await app.state.runner.start()
        try:
            yield
        finally:
            app.state.runner.stop()  # kills running analyses: the server stops now

    app = FastAPI(title="claimmap", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Map a news article's claims: who said what, who disputes it, how it is framed.")
    app.state.reports = ReportStore(db)
    app.state.corpus = Corpus.configure(corpus_db, db)
    app.state.corroborate_options = dict(corroborate_options or {})
    app.state.allow_private = allow_private
    app.state.token = token
    app.state.runner = make_runner()  # started (workers loaded) at startup, stopped at shutdown
    app.state.limiter = app.state.runner.limiter
    app.state.jobs = JobStore(app.state.runner.limiter)  # analyses as jobs, with progress
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("claimmap.api", "templates"),
        autoescape=True,  # every piece of article, comment and evidence text is untrusted
        trim_blocks=True, lstrip_blocks=True,
    )
    static_dir = Path(str(resources.files("claimmap.api").joinpath("static")))
    from claimmap.api.docs import install_docs

    install_docs(app)  # /docs and /redoc from packaged assets (before /static: it mounts /static/docs)
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    # ------------------------------------------------------------------ errors
    @app.exception_handler(ClaimmapError)
    async def _claimmap_error(request: Request, exc: ClaimmapError):
        status, code = classify(exc)
        if status >= 500:
            log.error("server-side problem: %s", exc)
        if _wants_html(request):
            return _error_page(request, status, str(exc))
        return error_response(status, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "malformed_json", "the request body is not valid JSON")
        details = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
                    "message": str(e.get("msg", "")).removeprefix("Value error, ")} for e in errors]
        message = "; ".join((f"{d['field']}: " if d["field"] else "") + d["message"] for d in details)
        if _wants_html(request):
            return _error_page(request, 422, message or "invalid request")
        return error_response(422, "invalid_request", message or "invalid request", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "error")
        if _wants_html(request):
            return _error_page(request, exc.status_code, str(exc.detail))
        return error_response(exc.status_code, code, str(exc.detail), )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; it has been logged")

    @app.middleware("http")
    async def _auth(request: Request, call_next):
        # token mode (claimmap.api.auth): the API, report pages, job pages and downloads
        if app.state.token and auth.needs_token(request.url.path) and not auth.authorised(request, app.state.token):
            if request.url.path.startswith("/api"):
                return JSONResponse(error_body(401, "unauthorized", "this server needs 'Authorization: Bearer <token>'"),
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
            nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return render_page("signin.html.j2", 401, next=nxt, error=None)
        return await call_next(request)

    def _wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api") and request.url.path != "/openapi.json"

    def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
        page = templates.get_template("error.html.j2").render(status=status, message=message, version=__version__)
        return HTMLResponse(page, status_code=status)

    # ------------------------------------------------------------------ analysis
    def corpus_for(corroborate: bool | None):
        """The corpus to corroborate against, or None (see ``AnalyzeRequest.corroborate``)."""
        corpus = app.state.corpus
        if corroborate is False:
            return None
        if corroborate is None:
            return corpus if corpus.auto and corpus.exists() else None
        if not corpus.exists():
            raise NoCorpusError("this server has no corpus to corroborate against (add documents with "
                                "POST /api/corpus/documents or 'claimmap corpus add')")
        return corpus

    async def run_analysis(kind: str, value: str, *, corroborate: bool | None = None,
                           window_days: int | None = None, published: str | None = None,
                           source_url: str | None = None,
                           on_stage: Callable[[str], None] | None = None) -> tuple[str, dict[str, Any]]:
        corpus = corpus_for(corroborate)  # before the work: a request that cannot be served fails fast
        if kind == "text":
            check_text_length(len(value))  # before any parsing, and before a worker is taken
        work = partial(_analysis_job, kind, value, app.state.allow_private, published=published,
                       source_url=source_url, corpus=corpus, window_days=window_days,
                       explicit=bool(corroborate), options=app.state.corroborate_options)
        data = await app.state.runner.run(work)
        if on_stage is not None:
            on_stage("saving")
        report_id = await anyio.to_thread.run_sync(lambda: app.state.reports.save(data, source=kind))
        return report_id, {"id": report_id, **data}

    def job_error(exc: BaseException) -> dict[str, Any] | None:
        if isinstance(exc, ClaimmapError):
            status, code = classify(exc)
            if status >= 500:
                log.error("server-side problem: %s", exc)
            return error_body(status, code, str(exc))
        log.error("internal error in an analysis job", exc_info=exc)
        return None

    def submit_job(kind: str, value: str, **options: Any):
        """Start an analysis as a job (``claimmap.api.jobs``); problems the request itself has
        (no corpus, text too long) are raised here, before any job exists."""
        corpus_for(options.get("corroborate"))
        if kind == "text":
            check_text_length(len(value))

        async def work(on_stage) -> str:
            report_id, _ = await run_analysis(kind, value, on_stage=on_stage, **options)
            return report_id

        return app.state.jobs.submit(work, corroborate=corpus_for(options.get("corroborate")) is not None,
                                     classify=job_error)

    async def load(report_id: str) -> dict[str, Any]:
        data = await anyio.to_thread.run_sync(app.state.reports.get, report_id)
        if data is None:
            raise StarletteHTTPException(404, f"no report with id {report_id!r}")
        return data

    # ------------------------------------------------------------------ REST API
    @app.get("/api/health", tags=["api"])
    async def health() -> dict[str, Any]:
        """Liveness: status, version, the number of stored reports and whether analyses corroborate."""
        corpus = app.state.corpus
        return {"status": "ok", "version": __version__, "reports": app.state.reports.count(),
                "corpus": {"available": corpus.exists(), "corroborates_by_default": corpus.auto and corpus.exists()}}

    @app.post("/api/analyze", status_code=201, tags=["api"],
              responses={201: {"description": "The claim map (`claimmap analyze --format json`) plus its `id`."},
                         400: {"description": "URL refused (scheme or address) or malformed JSON"},
                         413: {"description": "Body or article too large"},
                         422: {"description": "Invalid request, unusable article (empty, not English…) or "
                                              "corroboration asked for without a corpus (`no_corpus`)"},
                         502: {"description": "The URL could not be fetched"}})
    async def api_analyze(body: AnalyzeRequest) -> JSONResponse:
        """Analyze one article given as a URL, plain text or HTML, and corroborate its claims against
        the corpus (see `corroborate`); the report is stored under its id. With `"async": true`:
        202 and a job to follow at `GET /api/jobs/{id}`."""
        kind = next(k for k in ("url", "text", "html") if getattr(body, k) is not None)
        if body.run_async:
            job = submit_job(kind, getattr(body, kind), corroborate=body.corroborate, window_days=body.window_days,
                             published=body.published, source_url=body.source_url)
            return JSONResponse(app.state.jobs.view(job), status_code=202,
                                headers={"Location": f"/api/jobs/{job.id}"})
        report_id, data = await run_analysis(kind, getattr(body, kind), corroborate=body.corroborate,
                                             window_days=body.window_days, published=body.published,
                                             source_url=body.source_url)
        return JSONResponse(data, status_code=201, headers={"Location": f"/api/reports/{report_id}"})

    @app.get("/api/jobs/{job_id}", tags=["api"],
             responses={200: {"description": "`{id, stage, stage_text, progress, elapsed, …}`; when done `report_id` "
                                             "and `report_url`; when failed `error` as the synchronous call answers it"},
                        404: {"description": "Unknown job (jobs are kept an hour after they end)"}})
    async def api_job(job_id: str) -> dict[str, Any]:
        """An analysis job: `stage` (queued, analysing, saving, done, failed), an estimated `progress`
        (0..1), `elapsed` seconds, and when done the `report_id`."""
        job = app.state.jobs.get(job_id)
        if job is None:
            raise StarletteHTTPException(404, f"no job with id {job_id!r}")
        return app.state.jobs.view(job)

    @app.get("/api/reports/{report_id}", tags=["api"])
    async def api_report(request: Request, report_id: str,
                         format: Literal["json", "claimreview", "html"] = "json") -> Response:
        """A stored report: its JSON, schema.org ClaimReview JSON-LD, or the self-contained HTML report."""
        data = await load(report_id)
        if format == "claimreview":
            from claimmap.report.claimreview import to_claimreview

            page = str(request.url_for("report_page", report_id=report_id))
            return JSONResponse(to_claimreview(data, report_url=page), media_type="application/ld+json")
        if format == "html":
            from claimmap.report.load import report_from_dict

            html = await anyio.to_thread.run_sync(lambda: report_from_dict(data).to_html())
            return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="claimmap-{report_id}.html"'})
        return JSONResponse(data)

    @app.post("/api/corpus/documents", status_code=201, tags=["corpus"],
              responses={200: {"description": "The same body text is already stored (`added: false`)."},
                         201: {"description": "Stored: `{id, added, sentences, statements, embedded}`."},
                         422: {"description": "Invalid request or unusable article (empty, not English…)"}})
    async def corpus_add(doc: CorpusDocument) -> JSONResponse:
        """Add an article to the corpus: analysed and stored as `claimmap corpus add` stores it (body
        sentences for full-text and vector search, statements, MinHash signature)."""
        limit = config.get_int("CLAIMMAP_MAX_BYTES")
        if len(doc.text.encode("utf-8")) > limit:
            raise InputTooLargeError(f"the document text is over the {limit}-byte limit")
        check_text_length(len(doc.text))
        result = await app.state.runner.run(partial(
            app.state.corpus.add, text=doc.text, title=doc.title, url=doc.url, site=doc.site,
            published=doc.published))
        return JSONResponse(result, status_code=201 if result["added"] else 200)

    @app.get("/api/corpus/stats", tags=["corpus"])
    async def corpus_stats() -> dict[str, Any]:
        """Counts (documents, sentences, statements, families), the store (sqlite or postgresql),
        when analyses corroborate against it, and the number of stored reports."""
        stats = await anyio.to_thread.run_sync(app.state.corpus.stats)
        stats["reports"] = await anyio.to_thread.run_sync(app.state.reports.count)
        return stats

    @app.get("/api/corpus/search", tags=["corpus"])
    async def corpus_search(q: str = Query(..., min_length=1, max_length=500, description="Words to find (BM25 ranking; any word may match)."),
                            limit: int = Query(20, ge=1, le=100),
                            date_from: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Published on or after (YYYY-MM-DD)."),
                            date_to: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Published on or before (YYYY-MM-DD).")) -> dict[str, Any]:
        """Full-text search over the corpus's body sentences (SQLite FTS5 or PostgreSQL full text):
        per hit the sentence and its document."""
        results = await anyio.to_thread.run_sync(
            lambda: app.state.corpus.search(q, limit=limit, date_from=date_from, date_to=date_to))
        return {"query": q, "count": len(results), "results": results}

    # ------------------------------------------------------------------ web UI
    def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return render_page(name, status, **ctx)

    def render_page(name: str, status: int = 200, *, request: Request | None = None, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("version", __version__)
        signed_in = bool(app.state.token) and request is not None and auth.authorised(request, app.state.token)
        ctx.setdefault("signed_in", signed_in)
        ctx.setdefault("token_required", bool(app.state.token) and not signed_in)
        return HTMLResponse(templates.get_template(name).render(**ctx), status_code=status)

    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin")
        return not (origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""))

    async def form_fields(request: Request) -> dict[str, list[str]] | None:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return None
        return parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    async def signin_page(request: Request, next: str = "/") -> HTMLResponse:
        return render_page("signin.html.j2", request=request, next=auth.safe_next(next), error=None)

    @app.post("/signin", include_in_schema=False)
    async def signin(request: Request) -> Response:
        fields = await form_fields(request) or {}
        nxt = auth.safe_next((fields.get("next") or ["/"])[0])
        if not same_origin(request):
            return render_page("signin.html.j2", 403, next=nxt, error="cross-site sign-in refused")
        if not app.state.token:
            return RedirectResponse(nxt, status_code=303)
        if not auth.token_matches(app.state.token, (fields.get("token") or [""])[0]):
            return render_page("signin.html.j2", 401, next=nxt, error="that is not this server's access token")
        response = RedirectResponse(nxt, status_code=303)
        auth.set_session_cookie(response, request, app.state.token)
        return response

    @app.post("/signout", include_in_schema=False)
    async def signout(request: Request) -> Response:
        if not same_origin(request):
            return render_page("error.html.j2", 403, status=403, message="cross-site sign-out refused")
        response = RedirectResponse("/", status_code=303)
        auth.clear_session_cookie(response, request)
        return response

    def corpus_ui() -> dict[str, bool]:
        corpus = app.state.corpus
        return {"available": corpus.exists(), "default": corpus.auto and corpus.exists()}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request, example: int = 0) -> HTMLResponse:
        text = _example_text() if example else ""
        return render_page("index.html.j2", request=request, text=text, url="", error=None, corpus=corpus_ui())

    @app.post("/analyze", include_in_schema=False)
    async def ui_analyze(request: Request) -> Response:
        ctx = {"corpus": corpus_ui()}

        def render(name: str, status: int = 200, **kw: Any) -> HTMLResponse:
            return render_page(name, status, request=request, **ctx, **kw)

        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
            return render("index.html.j2", status=403, text="", url="", error="cross-site form submission refused")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return render("index.html.j2", status=415, text="", url="", error="send the form as application/x-www-form-urlencoded")
        raw = await request.body()
        fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        form = {k: v[0] for k, v in fields.items()}
        url, text = form.get("url", "").strip(), form.get("text", "")
        # the corroborate checkbox follows a hidden "0": unchecked sends 0, checked 0 and 1, an old form nothing
        corroborate = ("1" in fields["corroborate"]) if "corroborate" in fields else None
        try:
            published = _iso_day(form.get("published", ""))
        except ValueError:
            return render("index.html.j2", status=422, text=text, url=url,
                          error="the publication date must be YYYY-MM-DD")
        session = bool(app.state.token) and auth.authorised(request, app.state.token)
        if app.state.token and not session and not auth.token_matches(app.state.token, form.get("token", "")):
            return render("index.html.j2", status=401, text=text, url=url, error="this server needs its access token")
        if bool(url) == bool(text.strip()):
            return render("index.html.j2", status=422, text=text, url=url,
                          error="give either a link or the article text (not both)")
        try:
            source_url = None if url else _source_url(form.get("source_url", ""))
        except ValueError:
            return render("index.html.j2", status=422, text=text, url=url,
                          error="the article's address must be an http(s) link")
        # pasted text is always read as plain text: markup in it is shown, never interpreted
        kind, value = ("url", url) if url else ("text", text)
        try:
            job = submit_job(kind, value, corroborate=corroborate, published=published, source_url=source_url)
        except ClaimmapError as exc:
            status, _code = classify(exc)
            return render("index.html.j2", status=status, text=text, url=url, error=str(exc))
        # a quick analysis goes straight to its report; a slow one to its progress page
        await app.state.jobs.wait(job, UI_WAIT_SECONDS)
        if job.stage == "failed" and job.error:
            return render("index.html.j2", status=job.error["status"], text=text, url=url, error=job.error["message"])
        target = f"/reports/{job.report_id}" if job.stage == "done" else f"/jobs/{job.id}"
        response = RedirectResponse(target, status_code=303)
        if app.state.token and not session:  # the token was typed: keep it for this browser session
            auth.set_session_cookie(response, request, app.state.token)
        return response

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False, name="job_page")
    async def job_page(request: Request, job_id: str) -> Response:
        job = app.state.jobs.get(job_id)
        if job is None:
            raise StarletteHTTPException(404, "no analysis with this id (they are kept an hour after they end)")
        if job.stage == "done":
            return RedirectResponse(f"/reports/{job.report_id}", status_code=303)
        view = app.state.jobs.view(job)
        status = job.error["status"] if job.stage == "failed" and job.error else 200
        return render_page("job.html.j2", status, request=request, job=view, corpus=corpus_ui())

    @app.get("/reports/{report_id}", response_class=HTMLResponse, include_in_schema=False, name="report_page")
    async def report_page(request: Request, report_id: str, side: str | None = Query(None, max_length=80),
                          polarity: str | None = Query(None, max_length=20),
                          verdict: str | None = Query(None, max_length=40)) -> HTMLResponse:
        from claimmap.api.views import report_context

        data = await load(report_id)
        ctx = await anyio.to_thread.run_sync(
            lambda: report_context(data, side=side or None, polarity=polarity or None, verdict=verdict or None))
        return render_page("report.html.j2", request=request, report_id=report_id, **ctx)

    app.add_middleware(SecurityMiddleware, max_body=max_body,
                       html_error=lambda status, message: _error_page(None, status, message))
    return app


# ----------------------------------------------------------------------------- helpers
#: the web form waits this long for an analysis before showing its progress page instead
UI_WAIT_SECONDS = 2.0


def _example_text() -> str:
    return resources.files("claimmap.data.examples").joinpath("harbour_talks.txt").read_text("utf-8")


def _analysis_job(kind: str, value: str, allow_private, *, published: str | None, source_url: str | None,
                  corpus, window_days: int | None, explicit: bool, options: dict[str, Any]) -> dict[str, Any]:
    """One analysis as the API runs it (in a worker process or thread): the report's dict."""
    report = _analyze(kind, value, allow_private)
    if published:
        report.document.published = published
    if source_url:
        from claimmap.report.claims import set_source_url

        set_source_url(report, source_url)
    if corpus is not None:
        _corroborate(report, corpus, window_days=window_days, explicit=explicit, options=options)
    return report.to_dict()


def _warm_worker(corroboration: bool = False) -> None:
    """Load what analyses need, once per worker (process or server)."""
    _warm_up()
    if corroboration:
        _warm_up_corroboration()


def _analyze(kind: str, value: str, allow_private):
    """Run the pipeline on one input (runs in a worker thread)."""
    from claimmap.pipeline import analyze_document
    from claimmap.sources import from_bytes
    from claimmap.sources.fetch import check_url, fetch_url

    limit = config.get_int("CLAIMMAP_MAX_BYTES")
    if kind == "url":
        check_url(value, allow_private=allow_private)  # scheme, host and address, before anything else
        data, final_url, content_type = fetch_url(value, allow_private=allow_private)
        doc = from_bytes(data, url=final_url, content_type=content_type)
    else:
        raw = value.encode("utf-8")
        if len(raw) > limit:
            raise InputTooLargeError(f"the {kind} is {len(raw)} bytes, over the {limit}-byte limit")
        ctype = "text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8"
        doc = from_bytes(raw, content_type=ctype)
    return analyze_document(doc)


def _corroborate(report, corpus, *, window_days: int | None, explicit: bool, options: dict[str, Any]) -> None:
    """Corroborate ``report`` against ``corpus`` (runs in a worker thread, after the analysis).
    When corroboration was not asked for explicitly, a corpus or model problem becomes a report
    warning instead of failing the analysis."""
    from claimmap.corroborate import corroborate

    try:
        with corpus.open() as store:
            corroborate(report, store, window_days=window_days, **options)
    except (ClaimmapError, ImportError) as exc:
        if explicit:
            raise
        log.warning("corroboration skipped: %s", exc)
        report.warnings.append(f"corroboration not run: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}")


def _warm_up_corroboration() -> None:
    """Load the corpus embedder and the stance model once, at startup (auto-corroborating servers)."""
    try:
        from claimmap.corpus.embed import get_embedder
        from claimmap.stance import classify

        get_embedder().encode(["warm up"])
        classify([("the port is closed", "the port was closed on Monday")])
    except Exception:  # a missing model shows up (as a warning) on the first analysis
        log.exception("corroboration warm-up failed")


def _warm_up() -> None:
    """Load spaCy and the stage resources once, at startup."""
    try:
        _analyze("text", _example_text(), False)
    except Exception:
        log.exception("warm-up analysis failed")
