"""Durable jobs: roster solves and the periodic work, on PostgreSQL (procrastinate) or in-process.

`records` keeps each job's row (what clients poll), `tasks` says what each kind of job does, and
the two engines run them: `in_process` on the embedded SQLite store, `postgres_queue` on
PostgreSQL with workers on any machine.
"""
