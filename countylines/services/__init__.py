"""Every write to a county line and its safeguarding records, one module per aggregate.

Each service checks the actor's permission, validates (raising ValidationError keyed by field, so
a page shows the message at the field and the API returns 400), writes in one transaction with its
audit row, and marks the line's score stale when what the matrix reads has changed.
"""
