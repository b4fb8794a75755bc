"""The Threat-Risk-Harm matrix as plain rules: factor tables, scoring, and the words for them.

A leaf: it imports no model and no app of this project, so the subjects (OCGs, county lines),
intelligence and the matrix engine above them all read the one copy of each rule.
"""
