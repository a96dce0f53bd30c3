"""The waitlist and referral pages: refer, when can they start, admit, withdraw."""
