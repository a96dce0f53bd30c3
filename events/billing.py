"""Billing rules for an IOP day and week (HCPCS H0015/S9480, ASAM Level 2.1)."""

# A billable IOP day has at least three hours of service.
BILLABLE_DAY_MINUTES = 180
# A billable IOP week has at least three program days (and the weekly hours floor of the policy).
MIN_BILLABLE_DAYS_PER_WEEK = 3
