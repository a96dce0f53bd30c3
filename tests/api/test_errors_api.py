"""Error shapes: 400 for a body that is not JSON, 422 naming the field, even for inputs JSON
itself cannot echo back (NaN, Infinity)."""

from __future__ import annotations

from tests.api.conftest import PROGRAM, Api

JSON = {"Content-Type": "application/json"}


def test_a_body_that_is_not_json_is_400(program: Api) -> None:
    response = program.post(f"/programs/{PROGRAM}/closures", content=b"{not json", headers=JSON)
    assert response.status_code == 400, response.text
    assert "not well-formed JSON" in response.json()["detail"]


def test_non_finite_numbers_are_422_not_a_server_error(program: Api) -> None:
    for body in (b"Infinity", b'{"date": NaN, "reason": "x"}', b"-Infinity"):
        response = program.post(f"/programs/{PROGRAM}/closures", content=body, headers=JSON)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][0] == "body"


def test_a_bad_field_is_named_with_its_path(program: Api) -> None:
    response = program.post(
        f"/programs/{PROGRAM}/attendance",
        role="clinician",
        json={"patient_id": "P0001", "session_id": "mon-day-1", "date": "soon", "status": "x"},
    )
    assert response.status_code == 422
    locations = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert locations == {("body", "date"), ("body", "status")}
