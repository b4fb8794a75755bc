"""What an OCG announces to the apps above it, which ocg may not import.

`matrix_status_changed` is sent inside the transaction of a lifecycle move that may put the OCG
on the matrix or take it off (mapped, adopted, closed): county lines linked to it score
`ocg_link` from its status, so countylines marks them stale in that same transaction.
"""

from django.dispatch import Signal

# Sent with sender=OCG and ocg=<the OCG>.
matrix_status_changed = Signal()
