"""The policy that answers every missed session, and every cancelled meeting, with make-ups.

Its handling is idempotent (a miss already answered is recognised on the enrolment and the
roster), so a restart or a second runner never makes a second make-up.
"""

from __future__ import annotations

from typing import Any, ClassVar

from events.enrollment import Enrollment
from events.program import Program
from scheduler.following_policy import FollowingPolicy
from scheduler.makeups import make_up_for_miss, make_ups_for_cancellation

MISSED_TOPIC = "events.enrollment:Enrollment.SessionMissed"
CANCELLED_TOPIC = "events.program:Program.SessionCancelled"
POLICY_ACTOR = "make-up policy"


class MakeUpPolicy(FollowingPolicy):
    name = "makeup_policy"
    topics: ClassVar[list[str]] = [MISSED_TOPIC, CANCELLED_TOPIC]

    def handle(self, event: Any) -> None:
        # Notice runs from when the patient can be told: now (the service clock), which is the
        # miss's own time when the policy keeps up, and later when it runs late.
        now = self.stepdown.clock()
        if type(event).__qualname__ == "Program.SessionCancelled":
            program: Program = self.stepdown.app.repository.get(event.originator_id)
            make_ups_for_cancellation(
                self.stepdown,
                program.program_id,
                event.session_id,
                event.session_date,
                now=now,
                actor=POLICY_ACTOR,
            )
            return
        missed = event
        enrollment: Enrollment = self.stepdown.app.repository.get(missed.originator_id)
        make_up_for_miss(
            self.stepdown,
            enrollment.program_id,
            enrollment.patient_id,
            missed.session_id,
            missed.session_date,
            recorded_at=now,
            actor=POLICY_ACTOR,
        )
