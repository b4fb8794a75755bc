"""Writes of intelligence: records (records.py) and definition evidence (evidence.py)."""
