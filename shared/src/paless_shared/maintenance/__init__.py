"""Maintenance: periodic upkeep the scheduler asks for and the worker runs: purge old
trash, drop abandoned direct uploads, prune finished task records, check that Postgres
and S3 agree, and reconcile the queue with Postgres.

The one exception to the transaction rule lives here: the batch jobs of `service`
receive the sessionmaker and commit a batch at a time (each batch its own unit of
work), so a long purge neither holds its locks for the whole run nor loses what it
already did when it stops half-way.
"""
