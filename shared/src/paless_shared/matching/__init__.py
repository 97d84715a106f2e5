"""Matching: how tags, correspondents and document types recognise a document.

`rules` holds the algorithms (pure, bounded CPU work); `service` loads an owner's
rules and evaluates them on a document's text. Applying the result to a document is
the documents domain's (`documents.processing`).
"""
