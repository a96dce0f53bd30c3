"""A program asks for next week's draft every night over the API (coordinators only)."""

from __future__ import annotations

from tests.api.conftest import PROGRAM, Api


def test_a_coordinator_turns_nightly_drafts_on_and_off(program: Api) -> None:
    path = f"/programs/{PROGRAM}/nightly-drafts"
    answers = [
        program.call("coordinator", "PUT", path, json={"enabled": enabled}).json()
        for enabled in (True, True, False)
    ]
    assert answers == [{"changed": True}, {"changed": False}, {"changed": True}]
    assert program.call("clinician", "PUT", path, json={"enabled": True}).status_code == 403
    missing = program.call(
        "coordinator", "PUT", "/programs/nope/nightly-drafts", json={"enabled": True}
    )
    assert missing.status_code == 404
    assert (
        program.call("coordinator", "PUT", path, json={"enabled": "sometimes"}).status_code == 422
    )
    stepdown = program.app.state.stepdown
    assert stepdown.app.get_program(PROGRAM).nightly_drafts is False
