"""The platform layer: what every domain stands on and nothing domain-specific.

Database (engine, sessions, declarative base, unit of work), jobs and the queue
(names, JSON serialisation, enqueue-after-commit), storage (S3), settings, errors,
observability (logs, request ids), pagination (one generic `Page`, cursors) and
security primitives (the caller's `Principal`, password and token hashing).

Platform imports no domain and no table (an import-linter contract checks it).
"""
