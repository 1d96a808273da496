"""Interactive API docs that work under the app's Content-Security-Policy.

FastAPI's own ``/docs`` and ``/redoc`` pages load Swagger UI and ReDoc from a CDN and start them
with an inline script, both of which the app's CSP (``script-src 'self'``) blocks, so they
render blank. Here the assets come from the PyPI package ``fastapi-offline`` (pinned in
requirements.txt; it bundles the Swagger UI dist and the ReDoc standalone build), served by the
app under ``/static/docs/``, and the pages have no inline script: Swagger UI is started by
``/static/docs-init.js``; ReDoc starts itself from its ``<redoc spec-url>`` element.

Swagger UI runs under the app's strict policy unchanged. ReDoc inserts ``<style>`` elements at
run time (styled-components) and renders nothing without them, so ``/redoc`` alone allows inline
*styles* (``REDOC_CSP``); scripts stay 'self' only on every page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

REDOC_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")

_SWAGGER = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>claimmap API: interactive docs</title>
<link rel="stylesheet" href="/static/docs/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-spec="{spec}"></div>
<script src="/static/docs/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>
"""

_REDOC = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>claimmap API: reference</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<redoc spec-url="{spec}"></redoc>
<script src="/static/docs/redoc.standalone.js"></script>
</body>
</html>
"""


def assets_dir() -> Path:
    """The Swagger UI / ReDoc files of the ``fastapi-offline`` package."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from packaged assets. The app must be
    created with ``docs_url=None, redoc_url=None``."""
    app.mount("/static/docs", StaticFiles(directory=assets_dir()), name="docs-assets")
    spec = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(_SWAGGER.format(spec=spec))  # the app's own strict CSP

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(_REDOC.format(spec=spec), headers={"Content-Security-Policy": REDOC_CSP})
