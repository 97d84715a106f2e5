"""The web UI's screens, one module per area."""
