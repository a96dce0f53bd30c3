"""The program-life state machine on every backend and deployment shape.

`STEPDOWN_LIFE_EXAMPLES` sets the sequences per shape (CI default below: 100 in all;
`STEPDOWN_LIFE_EXAMPLES=200` is the deeper run) and
`STEPDOWN_LIFE_STEPS` their length (50: a median of 15 weeks);
`STEPDOWN_LIFE_RANDOM=1` explores new sequences instead of the derandomised CI ones.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.conftest import POSTGRES_URL, postgres_or_skip
from tests.property.life import machine

# 100 sequences in CI (about 5 minutes on 2 cores; deeper runs set STEPDOWN_LIFE_EXAMPLES).
# SQLite embedded is the shape most coordinators run and the cheapest to
# check, so it gets most; a PostgreSQL step costs about five times as much (the read models are
# rebuilt and compared after every step).
DEFAULT_EXAMPLES = {("sqlite", "embedded"): 45, ("sqlite", "worker"): 25}
DEFAULT_EXAMPLES |= {("postgres", "embedded"): 15, ("postgres", "worker"): 15}


@pytest.mark.parametrize(
    ("backend", "mode"),
    [
        ("sqlite", "embedded"),
        ("sqlite", "worker"),
        pytest.param("postgres", "embedded", marks=pytest.mark.postgres),
        pytest.param("postgres", "worker", marks=pytest.mark.postgres),
    ],
)
def test_a_program_life_keeps_every_rule(backend: str, mode: str) -> None:
    if backend == "postgres":
        postgres_or_skip()
    examples = int(os.environ.get("STEPDOWN_LIFE_EXAMPLES", DEFAULT_EXAMPLES[(backend, mode)]))
    run_state_machine_as_test(  # type: ignore[no-untyped-call]
        machine(backend, mode, POSTGRES_URL),
        settings=settings(
            max_examples=examples,
            stateful_step_count=int(os.environ.get("STEPDOWN_LIFE_STEPS", 50)),
            deadline=None,
            derandomize=not os.environ.get("STEPDOWN_LIFE_RANDOM"),
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
            # Shrinking replays long sequences; STEPDOWN_LIFE_NO_SHRINK=1 reports the first failure.
            phases=[
                p
                for p in Phase
                if p is not Phase.shrink or not os.environ.get("STEPDOWN_LIFE_NO_SHRINK")
            ],
        ),
    )
