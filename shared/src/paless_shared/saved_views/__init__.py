"""Saved views: a named document filter, sort and display (table or thumbnails), owned
and shared like tags, shown on the dashboard and in the sidebar with their counts.
Also the one reading of the document list's parameters (`params`), which the API's
saved views and the web UI's documents screen share."""
