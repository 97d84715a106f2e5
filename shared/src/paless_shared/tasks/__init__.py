"""Tasks: every background job has a row saying what it is for and how it went."""
