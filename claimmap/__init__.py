"""claimmap: read a news article and map its claims.

Small public API::

    import claimmap
    report = claimmap.analyze("article.html")       # path, URL or "-" for stdin
    report = claimmap.analyze_text("Plain text …")  # already-decoded text
    report.to_dict(); report.to_html()
"""

from claimmap.model import Report

__version__ = "0.1.0"
__all__ = ["Report", "analyze", "analyze_text", "analyze_html", "__version__"]


def __getattr__(name):  # lazy: keep `import claimmap` cheap for the CLI
    if name in ("analyze", "analyze_text", "analyze_html"):
        from claimmap import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
