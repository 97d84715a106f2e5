"""Access: who may see and change what.

`conditions` holds the SQL conditions (`can_view`, `can_change`) every domain's
queries put inside their statements, so pages, counts and cursors only ever cover
what the caller may see. `service` reads and replaces an object's grants.
"""
