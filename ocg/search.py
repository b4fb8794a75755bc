"""The one nominal search: every page, filter and API that finds people by what an officer types.

A person is found by any mix of their names, aliases and reference, in any order, ignoring case
and accents, each word matching one of them; every word must match, so more words narrow:

- part of a name or alias: "smith jo", "Jo Smith", "Smithy" (an alias), "J Smith" (an initial);
- a nickname for the name or the name for a nickname: "Bill" finds William, "Jon" finds John
  (NICKNAMES, a short list of common English forms);
- on PostgreSQL, a name that sounds the same or is misspelt: "Jon Smyth" finds John Smith,
  "Mohammed" finds Muhammad (double metaphone, fuzzystrmatch), "Jonh" and "Smithe" find John
  Smith (pg_trgm word similarity), and a whole name typed badly but close ("smtih john");
- a year narrows by date of birth ("smith 2004"), a whole date too ("smith 14/03/2004");
- a word with a digit matches the reference: "NOM-000123", "000123".

The names are read from `search_name`/`search_sounds`, columns a trigger keeps (migration 0004)
with trigram indexes, so the match is index-backed at national scale; `nominal_ranked` orders by
how close the name is. On SQLite (the demo) the same words match the names with a plain
case-insensitive contains: no sound-alikes or misspellings there.

An OCG is found the same way by its name and reference (`ocg_query`, misspellings of a name
too on PostgreSQL), and by a reference typed loosely ("ocg 12", "OCG0012"); countylines' subject
search uses it for the OCG half.

Each search first reads the text into terms (`nominal_terms`, `ocg_terms`), then builds its
condition from them (`match_nominal`, `rank_nominals`, ...): which conditions from the terms'
flags and counts alone, the words, years and dates only values in them, so the search box
compiles its SQL once per shape of what was typed and binds the words (kentsoc.search.compiled).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual

from ocg.models import OCG, Nominal

# An OCG reference typed loosely: the prefix, any separator, the number with or without its zeros.
_OCG_REFERENCE = re.compile(r"^OCG[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)
# Enough for a full name with a middle name and an alias; more words only cost query size.
MAX_WORDS = 5
FIELDS = ("first_name", "last_name", "aliases", "reference")
# A year of birth a person on the system could have.
_YEAR = re.compile(r"^(19|20)\d\d$")
_DATES = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
)
_NOT_NAME = re.compile(r"[^a-z0-9]+")
# Shorter words sound like too much ("Jo" is "J", half the force) and are too short to misspell.
MIN_SOUND_LENGTH = 3
MIN_SIMILAR_LENGTH = 4
WHOLE_NAME_SIMILARITY = 0.4

# Common English given names and their usual short forms: each row is one name. Fictional-safe
# (first names only); a word typed finds the others in its row as whole words.
NICKNAMES: tuple[tuple[str, ...], ...] = (
    ("john", "jon", "johnny", "jonny", "jack"),
    ("jonathan", "jon", "jonny"),
    ("william", "bill", "billy", "will", "willy", "liam"),
    ("robert", "rob", "robbie", "bob", "bobby"),
    ("richard", "rich", "richie", "rick", "dick"),
    ("michael", "mike", "mick", "micky", "mikey"),
    ("james", "jim", "jimmy", "jamie"),
    ("thomas", "tom", "tommy"),
    ("joseph", "joe", "joey"),
    ("daniel", "dan", "danny"),
    ("anthony", "tony", "ant"),
    ("christopher", "chris"),
    ("nicholas", "nick", "nicky"),
    ("stephen", "steven", "steve"),
    ("edward", "ed", "eddie", "ted"),
    ("alexander", "alex", "alec", "sandy"),
    ("benjamin", "ben", "benny"),
    ("samuel", "sam", "sammy"),
    ("matthew", "matt"),
    ("andrew", "andy", "drew"),
    ("mohammed", "muhammad", "mohammad", "mohamed", "mohamad", "mo"),
    ("abdullah", "abdul"),
    ("elizabeth", "liz", "lizzie", "beth", "betty"),
    ("margaret", "maggie", "peggy", "meg"),
    ("katherine", "catherine", "kate", "katie", "kath", "cath"),
    ("rebecca", "becky", "becca"),
    ("jennifer", "jen", "jenny"),
)
_VARIANTS: dict[str, frozenset[str]] = {}
for _row in NICKNAMES:
    for _name in _row:
        _VARIANTS[_name] = _VARIANTS.get(_name, frozenset()) | frozenset(_row)


def normalise(text: str | None) -> str:
    """What the search columns hold: lower case, no accents, anything but letters and digits one
    space ("Zoë O'Brien" is "zoe o brien"), as the trigger writes them."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_NAME.sub(" ", plain).strip()


def search_words(text: str | None) -> list[str]:
    return (text or "").split()[:MAX_WORDS]


def nickname_variants(word: str) -> frozenset[str]:
    """The other forms of a given name ("bill" -> william, billy, ...), without the word itself."""
    return _VARIANTS.get(word, frozenset()) - {word}


def fuzzy() -> bool:
    """PostgreSQL has the extensions (migration 0004); SQLite gets the plain matcher."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class NameWord:
    """A name word typed, with what suits it decided from the word here, so that the SQL matching
    it is the same for every word alike and the word is only a value in it (kentsoc.search
    compiles a search once per shape of what was typed and binds the words)."""

    word: str
    # Its other forms as whole words ("bill": william, billy, ...), sorted.
    variants: tuple[str, ...]
    # One word (normalising "O'Brien" gives "o brien") long enough to match by its sound, and
    # long enough to be misspelt.
    sounds: bool
    similar: bool


def name_word(word: str) -> NameWord:
    one = " " not in word
    return NameWord(
        word,
        tuple(sorted(nickname_variants(word))),
        one and len(word) >= MIN_SOUND_LENGTH,
        one and len(word) >= MIN_SIMILAR_LENGTH,
    )


@dataclass(frozen=True)
class NominalTerms:
    """What was typed, sorted: name words, words with digits (references) and birth dates. The
    SQL built from it depends on its flags and counts only; its words, years and dates are
    values."""

    names: tuple[NameWord, ...] = ()
    references: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    dates: tuple[datetime.date, ...] = ()
    # The name words, one space apart: the whole name for its closeness.
    name_text: str = ""

    def __bool__(self) -> bool:
        return bool(self.names or self.references or self.years or self.dates)


def _date(word: str) -> datetime.date | None:
    for pattern, layout in _DATES:
        if pattern.match(word):
            try:
                return datetime.datetime.strptime(word, layout).date()
            except ValueError:
                return None
    return None


def nominal_terms(text: str | None) -> NominalTerms:
    names: list[str] = []
    references: list[str] = []
    years: list[int] = []
    dates: list[datetime.date] = []
    for word in search_words(text):
        if _YEAR.match(word):
            years.append(int(word))
        elif (day := _date(word)) is not None:
            dates.append(day)
        elif any(c.isdigit() for c in word):
            references.append(word)
        elif name := normalise(word):
            names.append(name)
    return NominalTerms(
        names=tuple(name_word(name) for name in names),
        references=tuple(references),
        # A year typed twice is one year (the database would be asked for it once anyway).
        years=tuple(dict.fromkeys(years)),
        dates=tuple(dates),
        name_text=" ".join(names),
    )


class _HasCode(Func):
    """`column LIKE '% ' || dmetaphone(word) || ' %'`: the word's primary double-metaphone code
    is one of the column's space-delimited codes. A code is letters (and 0 for "th"), nothing
    LIKE would read as a wildcard, so it needs no escaping; dmetaphone of a constant is folded at
    plan time, so the trigram index serves the pattern."""

    template = "(%(expressions)s"
    arg_joiner = " LIKE '%% ' || dmetaphone("
    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"{sql}) || ' %%')", params


def _sounds_like(column: str, word: str) -> Q:
    """The word's primary double-metaphone code is one of the stored codes (PostgreSQL only)."""
    return Q(_HasCode(F(column), Value(word)))


def _name_word_fuzzy(word: NameWord, prefix: str) -> Q:
    column = f"{prefix}search_name"
    match = Q(**{f"{column}__contains": word.word})
    for variant in word.variants:
        match |= Q(**{f"{column}__regex": rf"(^| ){variant}( |$)"})
    if word.sounds:
        match |= _sounds_like(f"{prefix}search_sounds", word.word)
    if word.similar:
        match |= Q(**{f"{column}__trigram_word_similar": word.word})
    return match


def _name_word_plain(word: NameWord, prefix: str) -> Q:
    match = Q()
    for variant in [word.word, *word.variants]:
        for name in FIELDS:
            match |= Q(**{f"{prefix}{name}__icontains": variant})
    return match


def nominal_query(text: str | None, *, prefix: str = "") -> Q:
    """The condition a nominal meets when it matches `text`; `prefix` reaches a nominal through a
    relation (`"nominal__"` from a membership). Q() when `text` has no words."""
    return match_nominal(nominal_terms(text), prefix=prefix)


def match_nominal(terms: NominalTerms, *, prefix: str = "") -> Q:
    """`nominal_query` of what `terms` read."""
    query = Q()
    word_match = _name_word_fuzzy if fuzzy() else _name_word_plain
    names = Q()
    for word in terms.names:
        names &= word_match(word, prefix)
    if fuzzy() and len(terms.names) > 1:
        # A whole name close enough, though one word matches nothing on its own ("smtih john"):
        # the index finds the candidates at pg_trgm's threshold (0.3), which a shared surname
        # alone reaches ("sam holt" and Ashton Holt), so closer is required.
        names |= Q(**{f"{prefix}search_name__trigram_similar": terms.name_text}) & Q(
            GreaterThanOrEqual(
                TrigramSimilarity(f"{prefix}search_name", terms.name_text), WHOLE_NAME_SIMILARITY
            )
        )
    query &= names
    for word in terms.references:
        query &= Q(**{f"{prefix}reference__icontains": word})
    if terms.years:
        query &= Q(**{f"{prefix}date_of_birth__year__in": terms.years})
    for day in terms.dates:
        query &= Q(**{f"{prefix}date_of_birth": day})
    return query


def _nominals(source: QuerySet[Nominal] | AbstractBaseUser | AnonymousUser) -> QuerySet[Nominal]:
    return source if isinstance(source, QuerySet) else Nominal.objects.visible_to(source)


def nominal_search(
    source: QuerySet[Nominal] | AbstractBaseUser | AnonymousUser, text: str | None
) -> QuerySet[Nominal]:
    """The nominals of `source` (a queryset, or the people a user may see) matching `text`;
    none when `text` has no words."""
    return _matching_nominals(_nominals(source), nominal_terms(text))


def _matching_nominals(queryset: QuerySet[Nominal], terms: NominalTerms) -> QuerySet[Nominal]:
    if not terms:
        return queryset.none()
    return queryset.filter(match_nominal(terms))


def nominal_ranked(
    source: QuerySet[Nominal] | AbstractBaseUser | AnonymousUser, text: str | None
) -> QuerySet[Nominal]:
    """`nominal_search`, annotated with `search_score` (0 to 2: how close the name is, and 1
    more for the reference typed whole) and ordered best first."""
    return rank_nominals(_nominals(source), nominal_terms(text))


def rank_nominals(queryset: QuerySet[Nominal], terms: NominalTerms) -> QuerySet[Nominal]:
    """`nominal_ranked` of what `terms` read."""
    reference = Case(
        *[When(reference__iexact=word, then=Value(1.0)) for word in terms.references],
        default=Value(0.0),
        output_field=FloatField(),
    )
    if fuzzy() and terms.names:
        closeness = Greatest(
            TrigramSimilarity("search_name", terms.name_text),
            TrigramWordSimilarity(terms.name_text, "search_name"),
        )
    else:
        closeness = Value(1.0 if terms.names else 0.0, output_field=FloatField())
    return (
        _matching_nominals(queryset, terms)
        .annotate(search_score=closeness + reference)
        .order_by(F("search_score").desc(), "last_name", "first_name", "id")
    )


@dataclass(frozen=True)
class OcgTerms:
    """What an OCG must match for a text: its words (up to MAX_WORDS), the whole of it, whether
    that is long enough to be misspelt, and the reference it names when typed loosely."""

    words: tuple[str, ...]
    typed: str
    similar: bool
    reference: str | None


def ocg_terms(text: str | None) -> OcgTerms | None:
    """None when `text` asks for nothing."""
    words = (text or "").split()
    if not words:
        return None
    typed = " ".join(words)
    loose = _OCG_REFERENCE.match(typed)
    return OcgTerms(
        words=tuple(words[:MAX_WORDS]),
        typed=typed,
        similar=len(typed) >= MIN_SIMILAR_LENGTH,
        reference=f"OCG-{int(loose.group(1)):04d}" if loose is not None else None,
    )


def ocg_query(text: str | None) -> Q | None:
    """The condition an OCG meets when it matches `text` (every word in its name or reference, or
    on PostgreSQL a name close to the whole text, or the whole text a loosely typed reference);
    None when `text` asks for nothing."""
    terms = ocg_terms(text)
    return None if terms is None else match_ocg(terms)


def match_ocg(terms: OcgTerms) -> Q:
    """`ocg_query` of what `terms` read."""
    query = Q()
    for word in terms.words:
        query &= Q(name__icontains=word) | Q(reference__icontains=word)
    if fuzzy() and terms.similar:
        query |= Q(name__trigram_word_similar=terms.typed)
    if terms.reference is not None:
        query |= Q(reference__iexact=terms.reference)
    return query


def ocg_ranked(source: QuerySet[OCG] | AbstractBaseUser, text: str | None) -> QuerySet[OCG]:
    """The OCGs of `source` matching `text`, with `search_score` and best first; none for no
    words."""
    queryset = source if isinstance(source, QuerySet) else OCG.objects.visible_to(source)
    return rank_ocgs(queryset, ocg_terms(text))


def rank_ocgs(queryset: QuerySet[OCG], terms: OcgTerms | None) -> QuerySet[OCG]:
    """`ocg_ranked` of what `terms` read."""
    if terms is None:
        return queryset.none()
    exact = Case(
        When(reference__iexact=terms.typed, then=Value(2.0)),
        When(name__iexact=terms.typed, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if fuzzy():
        closeness = TrigramWordSimilarity(terms.typed, "name")
    else:
        closeness = Value(0.5, output_field=FloatField())
    return (
        queryset.filter(match_ocg(terms))
        .annotate(search_score=closeness + exact)
        .order_by(F("search_score").desc(), "name", "id")
    )
