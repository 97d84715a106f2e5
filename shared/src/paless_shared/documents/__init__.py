"""Documents: receiving originals, finding and changing documents, the trash, and the
states the worker moves a document through.

Modules: `service` (lookups with access checks, tags, trash, reprocess), `uploads`
(receiving originals, direct uploads), `editing`, `bulk`, `notes`, `fields` (custom
field values), `read` (what a document's answer carries), `processing` (worker
transitions), and `queries` (every statement of the domain).
"""
