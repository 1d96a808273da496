"""Zones: split a Document into header / body / disclaimer / comment / boilerplate / related.

Public API: ``zone_document(doc: Document) -> tuple[Document, list[Zone]]`` returns the document
with ``text`` filled (HTML input: the text assembled from the page) and zones whose offsets index
into that text.
"""

from __future__ import annotations

from claimmap.model import Document, Zone


def zone_document(doc: Document) -> tuple[Document, list[Zone]]:
    """Zone ``doc``: HTML goes to ``zones.html.zone_html``, plain text to ``zones.text.zone_text``."""
    if doc.media_type == "html":
        from claimmap.zones.html import zone_html

        return zone_html(doc)
    from claimmap.zones.text import zone_text

    return zone_text(doc)


__all__ = ["zone_document"]
