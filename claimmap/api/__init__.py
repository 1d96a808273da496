"""Web UI and REST API (FastAPI): ``create_app(...)``; ``claimmap serve`` runs it with uvicorn.

Endpoints (OpenAPI at ``/openapi.json``, docs at ``/docs``):

- ``POST /api/analyze`` ``{"url"|"text"|"html": …}`` (exactly one; optional ``corroborate``,
  ``window_days``, ``published``) -> the ``analyze --format json`` object plus its ``id`` (201,
  ``Location: /api/reports/{id}``); with a corpus, corroborated (``verdicts``, ``document.copy_of``)
- ``GET /api/reports/{id}[?format=json|claimreview|html]``, ``GET /api/health``
- ``POST /api/corpus/documents``, ``GET /api/corpus/stats``, ``GET /api/corpus/search?q=``
  (the real corpus store, ``claimmap.corpus``, through ``claimmap.api.corpus``)
- the web UI: ``GET /`` (form), ``POST /analyze`` (form -> 303 to ``/reports/{id}``),
  ``GET /reports/{id}``
"""

from claimmap.api.app import create_app

__all__ = ["create_app"]
