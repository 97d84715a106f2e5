"""Statements of the documents domain, one module per concern (documents and the
trash, direct uploads, and what a document carries: tags, field values, notes)."""
