"""The coordinator's worklist: what needs doing this week, read from the existing read models
(misses without a make-up, open flags, patients short of their days, stale pins, and what a
waiting draft roster would change)."""
