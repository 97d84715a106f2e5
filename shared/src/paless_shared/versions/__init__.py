"""Versions: a document's immutable originals and the renditions made from each
(archive PDF, thumbnail, per-page text and word boxes), by processing runs.

Modules: `service` (creating versions and runs, recording pages, switching a
version's renditions when a run completes, restoring, the objects to purge),
`queries` (every statement). Access checks are the documents domain's: these
functions take ids of documents the caller was already allowed to see or change.
"""
