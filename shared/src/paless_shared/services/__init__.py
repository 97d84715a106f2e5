"""Business operations shared by routes, jobs and commands. They flush, never commit."""
