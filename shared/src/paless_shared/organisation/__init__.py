"""Organisation: tags, correspondents, document types and custom fields, the objects
documents are organised with. Names are unique per owner; lists carry document counts
computed in the same query."""
