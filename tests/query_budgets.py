"""Pinned query counts (NetBox style): every list page and API list, as the officer named, in the
small world tests/architecture/test_query_budgets.py builds, costs exactly this many SQL queries
on a request after the first (the session and permission caches warm).

A change that adds or saves queries fails the test with the new count: if it is intended, put the
new number here in the same commit, so the cost of a page is a reviewed number, not a surprise.
The few-rows-equals-many-rows tests beside each app catch N+1s; these catch everything else.
"""

# (path, role): queries
QUERY_BUDGETS: dict[tuple[str, str], int] = {
    # Pages
    ("/", "supervisor"): 12,
    ("/", "analyst"): 11,
    ("/", "clio"): 8,
    ("/", "auditor"): 5,
    ("/", "administrator"): 6,
    ("/reports/", "supervisor"): 10,
    ("/account/tokens/", "supervisor"): 4,
    ("/ocgs/", "supervisor"): 10,
    ("/nominals/", "supervisor"): 7,
    ("/county-lines/", "supervisor"): 11,
    ("/county-lines/people-at-risk/", "clio"): 8,
    ("/gangs/", "clgt_officer"): 10,
    ("/intelligence/", "analyst"): 11,
    ("/disruptions/", "supervisor"): 13,
    ("/disruptions/mine/", "clgt_officer"): 9,
    ("/disruptions/approvals/", "supervisor"): 11,
    ("/disruptions/court-results/", "supervisor"): 8,
    ("/operations/", "supervisor"): 7,
    ("/lifetime/releases/", "coordinator"): 8,
    ("/lifetime/scpos/expiring/", "coordinator"): 7,
    ("/lifetime/scpos/breaches/", "coordinator"): 7,
    ("/lifetime/in-prison/", "coordinator"): 8,
    ("/lifetime/untrained-lros/", "coordinator"): 7,
    ("/lifetime/training/", "coordinator"): 5,
    ("/people/duplicates/", "coordinator"): 10,
    ("/people/merges/", "coordinator"): 6,
    ("/matrix/", "supervisor"): 13,
    ("/matrix/monthly/", "supervisor"): 11,
    ("/matrix/national/", "regional"): 6,
    ("/audit/", "auditor"): 9,
    ("/shares/", "supervisor"): 7,
    # API lists
    ("/api/ocgs/", "supervisor"): 12,
    ("/api/nominals/", "supervisor"): 7,
    ("/api/county-lines/", "supervisor"): 12,
    ("/api/people-at-risk/", "clio"): 7,
    ("/api/gangs/", "clgt_officer"): 9,
    ("/api/intelligence/", "analyst"): 12,
    ("/api/matrix/county-lines/", "supervisor"): 6,
    ("/api/matrix/ocgs/", "supervisor"): 6,
    ("/api/matrix/snapshots/", "supervisor"): 6,
    ("/api/disruptions/", "supervisor"): 13,
    ("/api/operations/", "supervisor"): 6,
    ("/api/court-results/", "supervisor"): 7,
    ("/api/lifetime/releases/", "coordinator"): 6,
    ("/api/lifetime/scpos-expiring/", "coordinator"): 6,
    ("/api/lifetime/scpo-breaches/", "coordinator"): 6,
    ("/api/lifetime/in-prison/", "coordinator"): 6,
    ("/api/people/duplicates/", "coordinator"): 10,
    ("/api/people/merges/", "coordinator"): 6,
    ("/api/shares/", "supervisor"): 6,
    ("/api/divisions/", "supervisor"): 5,
    ("/api/districts/", "supervisor"): 5,
    ("/api/teams/", "supervisor"): 5,
    ("/api/officers/", "supervisor"): 5,
    ("/api/audit/", "auditor"): 7,
    ("/api/auth/tokens/", "supervisor"): 4,
    ("/api/reports/activity-summary/?from=2000-01-01&to=2099-12-31", "supervisor"): 8,
    # Prevention work and its summary (the summary: four aggregates whatever the records).
    ("/prevention/school-sessions/", "clio"): 7,
    ("/prevention/interventions/", "clio"): 7,
    ("/reports/clio-activity/", "clio"): 9,
    ("/api/prevention/school-sessions/", "clio"): 6,
    ("/api/prevention/interventions/", "clio"): 6,
    ("/api/reports/clio-activity/?from=2000-01-01&to=2099-12-31", "supervisor"): 8,
    ("/api/reports/monthly-matrix/", "supervisor"): 11,
    ("/api/reports/national/", "regional"): 6,
    # The search box: every kind the role may look for in one query (sent with the statement
    # setting the trigram threshold), whatever it finds, and the audit event.
    ("/search/?q=smith", "supervisor"): 6,
    ("/search/suggest/?q=smith", "supervisor"): 6,
    ("/api/search/?q=smith", "supervisor"): 6,
}

# Record pages (issue 18: every list, detail, dashboard and report page has its count pinned), by
# URL name, the world's record it opens (county lines by name, OCGs by name) and the officer.
# KESTREL has gangs: its page pays the gangs' link check and their dated query (a line with none,
# the check alone).
DETAIL_BUDGETS: dict[tuple[str, str, str], int] = {
    ("countylines:detail", "KESTREL", "supervisor"): 22,
    ("countylines:detail", "KESTREL", "analyst"): 20,
    ("countylines:detail", "KESTREL", "clgt_officer"): 21,
    ("ocg:detail", "Invented Quay Crew", "supervisor"): 14,
}
