"""Outlets: who publishes a document (registry) and which documents are not independent of each
other (families: syndicated copies, same owner, same state side)."""

from claimmap.outlets.registry import Outlet, Registry, load_registry

__all__ = ["Outlet", "Registry", "load_registry"]
