"""Statements of search: `find` (filters, ranking, snippets), `names` (words of `q`
that name tags, correspondents and types the reader may see) and `index` (keeping
each document's search vector current)."""
