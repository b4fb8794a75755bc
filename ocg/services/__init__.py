"""Every write to OCGs, their members, nominals and 4P plans, one module per aggregate.

Each service checks the actor's permission, validates (raising ValidationError keyed by field, so a
page shows the message at the field and the API returns 400), writes in one transaction with its
audit row and, for lifecycle moves, an OcgStatusChange row; and marks scores stale when what the
matrix reads has changed. Pages and the API call the same services: import the module you need
(`from ocg.services import lifecycle`), there is no flat namespace here.
"""
