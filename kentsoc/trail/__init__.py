"""The audit trail's pages and API (`/audit/`, `/api/audit/`), for auditors.

Above kentsoc.web, whose list views and API plumbing they use; kentsoc.audit, which records the
trail and decides who may read it, stays below kentsoc.web so that every layer can write to it.
No models: a package, not an app (the URL names stay `audit:...` and `api:audit-event-...`)."""
