"""What the matrix says about a county line: hooks the matrix engine, above countylines,
provides (kentsoc/matrix/subjects.py, from its AppConfig.ready()). countylines' lists, filters,
pages and API call them; countylines never imports the matrix.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kentsoc.web.hooks import Hook

# with_scores(queryset, breakdown=False): the queryset with `score_total` annotated from the
# current score (None when unscored; lists sort on it) and the current score and ranking
# prefetched as the lists `current_scores` and `ranking_rows` (what
# countylines/partials/line_table.html shows), so a list costs the same few queries whatever its
# length. The score's factors (what `score_context` explains) only with `breakdown`.
with_scores: Hook[..., QuerySet] = Hook("countylines.with_scores")

# current_score(line) / current_ranking(line): of a line loaded `with_scores`, no query. The
# score has total, threat, risk, harm, confidence, matrix_version; the ranking rank and top30,
# in the division where the line is worked now (its flex division if flexed). None when none.
current_score: Hook[[Any], Any] = Hook("countylines.current_score")
current_ranking: Hook[[Any], Any] = Hook("countylines.current_ranking")

# in_top30(): a condition on CountyLine rows (for filter/exclude): ranked in the top 30 of a
# division.
in_top30: Hook[[], Any] = Hook("countylines.in_top30")

# score_context(user, line): what the score panel (countylines/partials/score.html) shows of a
# line loaded `with_scores`, with the records behind each factor that the user may see.
score_context: Hook[[Any, Any], dict[str, Any]] = Hook("countylines.score_context")

# with_score_total(queryset): only the `score_total` annotation of `with_scores`, nothing
# prefetched; scores_data(ids): the API's score fields (score, threat, risk, harm, confidence,
# matrix_version, rank, top30) of such a page of lines, {field: {line id: value}}, read as values.
with_score_total: Hook[[QuerySet], QuerySet] = Hook("countylines.with_score_total")
scores_data: Hook[[list[int]], dict[str, dict[int, Any]]] = Hook("countylines.scores_data")

# with_page_scores(line): a line read with `with_score_total` given what `with_scores(...,
# breakdown=True)` prefetches (`current_scores`, `ranking_rows`, the ranking without its
# division), read by statements compiled once per process: a line's page reads one line, and
# building and compiling the two prefetches cost it more than the rest of its read.
with_page_scores: Hook[[Any], None] = Hook("countylines.with_page_scores")
