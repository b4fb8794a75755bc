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
    ("/", "supervisor"): 9,
    ("/", "analyst"): 7,
    ("/", "clio"): 6,
    ("/", "auditor"): 3,
    ("/", "administrator"): 4,
    ("/reports/", "supervisor"): 8,
    ("/account/tokens/", "supervisor"): 3,
    ("/ocgs/", "supervisor"): 8,
    ("/nominals/", "supervisor"): 5,
    ("/county-lines/", "supervisor"): 8,
    ("/county-lines/people-at-risk/", "clio"): 6,
    ("/gangs/", "clgt_officer"): 8,
    ("/intelligence/", "analyst"): 8,
    ("/disruptions/", "supervisor"): 9,
    ("/disruptions/mine/", "clgt_officer"): 4,
    ("/disruptions/approvals/", "supervisor"): 7,
    ("/disruptions/court-results/", "supervisor"): 6,
    ("/operations/", "supervisor"): 5,
    ("/lifetime/releases/", "coordinator"): 5,
    ("/lifetime/scpos/expiring/", "coordinator"): 5,
    ("/lifetime/scpos/breaches/", "coordinator"): 5,
    ("/lifetime/in-prison/", "coordinator"): 5,
    ("/lifetime/untrained-lros/", "coordinator"): 5,
    ("/lifetime/training/", "coordinator"): 3,
    ("/people/duplicates/", "coordinator"): 8,
    ("/people/merges/", "coordinator"): 4,
    ("/matrix/", "supervisor"): 4,
    ("/matrix/monthly/", "supervisor"): 9,
    ("/matrix/national/", "regional"): 5,
    ("/audit/", "auditor"): 6,
    ("/shares/", "supervisor"): 5,
    # API lists
    ("/api/ocgs/", "supervisor"): 9,
    ("/api/nominals/", "supervisor"): 5,
    ("/api/county-lines/", "supervisor"): 10,
    ("/api/people-at-risk/", "clio"): 6,
    ("/api/gangs/", "clgt_officer"): 8,
    ("/api/intelligence/", "analyst"): 7,
    ("/api/matrix/county-lines/", "supervisor"): 4,
    ("/api/matrix/ocgs/", "supervisor"): 4,
    ("/api/matrix/snapshots/", "supervisor"): 4,
    ("/api/disruptions/", "supervisor"): 8,
    ("/api/operations/", "supervisor"): 4,
    ("/api/court-results/", "supervisor"): 5,
    ("/api/lifetime/releases/", "coordinator"): 4,
    ("/api/lifetime/scpos-expiring/", "coordinator"): 4,
    ("/api/lifetime/scpo-breaches/", "coordinator"): 4,
    ("/api/lifetime/in-prison/", "coordinator"): 4,
    ("/api/people/duplicates/", "coordinator"): 8,
    ("/api/people/merges/", "coordinator"): 4,
    ("/api/shares/", "supervisor"): 4,
    ("/api/divisions/", "supervisor"): 4,
    ("/api/districts/", "supervisor"): 4,
    ("/api/teams/", "supervisor"): 4,
    ("/api/officers/", "supervisor"): 4,
    ("/api/audit/", "auditor"): 5,
    ("/api/auth/tokens/", "supervisor"): 3,
    ("/api/reports/activity-summary/?from=2000-01-01&to=2099-12-31", "supervisor"): 6,
    # Prevention work and its summary (the summary: four aggregates whatever the records).
    ("/prevention/school-sessions/", "clio"): 5,
    ("/prevention/interventions/", "clio"): 5,
    ("/reports/clio-activity/", "clio"): 7,
    ("/api/prevention/school-sessions/", "clio"): 4,
    ("/api/prevention/interventions/", "clio"): 4,
    ("/api/reports/clio-activity/?from=2000-01-01&to=2099-12-31", "supervisor"): 6,
    ("/api/reports/monthly-matrix/", "supervisor"): 9,
    ("/api/reports/national/", "regional"): 5,
    # The search box: every kind the role may look for in one query (sent with the statement
    # setting the trigram threshold), whatever it finds, and the audit event.
    ("/search/?q=smith", "supervisor"): 4,
    ("/search/suggest/?q=smith", "supervisor"): 4,
    ("/api/search/?q=smith", "supervisor"): 4,
}

# Record pages (issue 18: every list, detail, dashboard and report page has its count pinned), by
# URL name, the world's record it opens (county lines by name, OCGs by name) and the officer.
# KESTREL has gangs: its page pays the gangs' link check and their dated query (a line with none,
# the check alone).
DETAIL_BUDGETS: dict[tuple[str, str, str], int] = {
    ("countylines:detail", "KESTREL", "supervisor"): 19,
    ("countylines:detail", "KESTREL", "analyst"): 17,
    ("countylines:detail", "KESTREL", "clgt_officer"): 18,
    # The score panel, polled every 2 s while a rescore is due: the line, its evidence, score,
    # ranking and the records behind the score's factors (none of the summary's rows).
    ("countylines:score", "KESTREL", "supervisor"): 7,
    # The OCG's definition evidence is annotated on its row, not prefetched.
    ("ocg:detail", "Invented Quay Crew", "supervisor"): 11,
}
