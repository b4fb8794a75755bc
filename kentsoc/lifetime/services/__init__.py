"""Every write of lifetime management, by aggregate: custody, conditions, scpo, training,
attention. Import the module you need (`from kentsoc.lifetime.services import custody`).

Each service checks permission and scope, validates (raising ValidationError({field: message}) so
nothing is saved), writes in one transaction with its audit row, and keeps the nominal's custody
status in step with the custody timeline.
"""
