"""What the matrix says about an OCG: hooks the matrix engine, above ocg, provides
(kentsoc/matrix/subjects.py, from its AppConfig.ready()). ocg's lists, filters, pages and API
call them; ocg never imports the matrix.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kentsoc.web.hooks import Hook

# with_scores(queryset, breakdown=False): the queryset with `score_total` and `score_tier`
# annotated from the current score (None when unscored; lists sort and filter on them) and what
# `score_view` and `score_data` read prefetched, so a list costs the same few queries whatever its
# length. The score's factors (`score_view(explain=True)`) only with `breakdown`.
with_scores: Hook[..., QuerySet] = Hook("ocg.with_scores")

# with_page_scores(ocg): what `with_scores(..., breakdown=True)` prefetches (`current_scores`,
# `ranking_rows`) read for one OCG read with `with_score_columns` (its page).
with_page_scores: Hook[[Any], None] = Hook("ocg.with_page_scores")

# The queryset with only `score_total` annotated (the home page's panels).
with_score_total: Hook[[QuerySet], QuerySet] = Hook("ocg.with_score_total")

# The queryset with `score_total` and `score_tier` annotated and nothing prefetched: what a row
# of the OCG list shows, sorts and filters on.
with_score_columns: Hook[[QuerySet], QuerySet] = Hook("ocg.with_score_columns")

# score_view(user=, ocg=, explain=False): the score panel of an OCG loaded `with_scores`
# (ocg/partials/score_panel.html). With `explain`, each factor's records the user may see.
score_view: Hook[..., Any] = Hook("ocg.score_view")

# score_data(ocg): the API's `score` of an OCG loaded `with_scores`, as plain data.
score_data: Hook[[Any], dict[str, Any]] = Hook("ocg.score_data")

# scores_data(ocgs): {id: score_data(ocg)} of a page of OCGs loaded `with_score_columns` (not
# `with_scores`): the current scores and ranks read as values for the page, a query each.
scores_data: Hook[[list[Any]], dict[int, dict[str, Any]]] = Hook("ocg.scores_data")
