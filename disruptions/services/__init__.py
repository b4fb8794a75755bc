"""Every write to disruptions, operations and court results, one module per aggregate:
`disruptions` (log, change, submit, tag), `approvals` (a supervisor's decision), `operations`,
`court_results`.

Each service checks the actor's permission, validates (bad input raises
ValidationError({field: message}) and saves nothing; a forbidden action raises PermissionDenied
naming what is missing), and writes in one transaction with its audit row.
"""
