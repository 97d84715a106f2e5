"""Search: finding documents by filters and full text, and keeping the index current.

The search settings (language, rank window) are per process: each process puts them
on its sessions (`service.session_info`) and search reads them from the session, so
they are not passed through every function that changes what a document indexes.
"""
