"""Audit: who did what and when, written in the transaction of the change itself."""
