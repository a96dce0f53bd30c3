"""Domain errors: a small hierarchy the CLI and API map to exit codes and HTTP statuses."""


class StepdownError(Exception):
    """Something a coordinator asked for cannot be done; the message says what and why."""


class NotFoundError(StepdownError):
    """An id names no program, patient, session or roster."""


class InvalidRequestError(StepdownError):
    """A value breaks a domain rule (a date outside the enrolment, too many minutes)."""


class ConflictError(StepdownError):
    """The request clashes with the current state (a duplicate, or a write lost to a race)."""


class ConsentRequiredError(StepdownError):
    """A disclosure to an outside recipient that no active consent of the patient permits."""


class StorageFaultError(StepdownError):
    """The store cannot take the request (read-only, full, unreachable): no race to retry."""


class StaleVersionError(ConflictError):
    """The caller acted on a version of a record that is no longer the current one
    (HTTP `If-Match`): nothing is changed, and the message names the current version."""
