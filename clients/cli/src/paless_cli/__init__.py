"""paless-cli: log in, upload, list, search and download paless documents over HTTP."""
