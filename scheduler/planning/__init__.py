"""Planning intake: referrals, the waitlist, and when a referral's whole course can start."""
