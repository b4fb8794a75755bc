"""County-line pages, one module per part of the site: lines (list, nominate, the line's page and
edit form), changes (the forms on a line's page) and safeguarding (people at risk, referrals)."""
