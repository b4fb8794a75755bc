"""What an OCG announces to the apps above it, which ocg may not import.

`matrix_status_changed` is sent inside the transaction of a lifecycle move that may put the OCG
on the matrix or take it off (mapped, adopted, closed): county lines linked to it score
`ocg_link` from its status, so countylines marks them stale in that same transaction.

`adopted_by_regional_unit` is sent inside the adoption's transaction when a supervisor hands an OCG
to their force's NCA/ERSOU team and names the regional unit (another force) that works it:
kentsoc.sharing lends the OCG to that force (issue 19: "a regional unit can be given an OCG it
adopts").
"""

from django.dispatch import Signal

# Sent with sender=OCG and ocg=<the OCG>.
matrix_status_changed = Signal()

# Sent with sender=OCG, actor=<the supervisor>, ocg=<the OCG>, regional_force=<a Force>.
adopted_by_regional_unit = Signal()
