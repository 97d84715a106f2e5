"""All SQL lives here. Repositories add, query and flush; they never commit."""
