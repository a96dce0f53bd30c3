"""Planning a program's intake: referrals waiting for a place, until admitted or withdrawn."""
