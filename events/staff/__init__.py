"""Staff and rooms of a program: who facilitates, where, and when they are away.

Staff names are personal data of employees, not of patients: they identify nobody as being in
treatment, so they are stored as written and not sealed under a patient's key.
"""
