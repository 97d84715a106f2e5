"""Sharing: public, unguessable links to one document, for a limited time."""
