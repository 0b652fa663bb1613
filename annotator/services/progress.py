"""The lead's view of a team's progress: work done, time spent, throughput, quality, and when it will end.

Everything is figured from a few aggregate queries in plain SQL (SQLite and PostgreSQL both run them,
on a SQLAlchemy connection or a plain :mod:`sqlite3` one, through
:func:`annotator.store.reading.plain_rows`), reading only what the figures need:

- **assigned / done / skipped**: ``assignments`` and ``work_items`` counted per annotator; *remaining* is
  the assigned documents without a done or skipped work item.
- **time**: ``work_sessions`` (the workbench's record: active seconds and labels saved per session) summed
  per annotator and document. *Minutes per document* is the median over the annotator's done documents
  that have any recorded time; *labels per hour* is labels saved in sessions per active hour.
- **the day a document was done** is its work item's ``updated_at`` while its status is ``done`` (the last
  change of the work item: a comment or flag added after finishing moves it).
- **agreement** is each annotator's mean pairwise entity F1 (exact match) with every other annotator over
  the documents both finished: the figure ``annotator agreement`` reports as
  ``entities.pairwise[a|b].exact``, computed by the same code (:func:`~annotator.agreement.spans.
  match_exact` and :class:`~annotator.agreement.spans.F1Counts`, micro-averaged over the pair's documents,
  as :class:`~annotator.agreement.spans.EntityComparison` does, over the sets that count,
  :meth:`annotator.annotations.Document.counted`), on the documents finished by two or more annotators
  only, without their texts.
- **against gold**: precision, recall and F1 (entities exact; events by trigger and type) over the
  documents with gold, as :func:`annotator.services.adjudication.scores_against_gold` computes them
  (:class:`~annotator.agreement.adjudication.ScoreCounts`), reading only documents that have gold.
- **checks**: each annotator's score on the check documents they were given as checks, per layer, against
  gold (:func:`annotator.services.checks.check_scores`; on a plain connection :func:`plain_check_scores`,
  the same figures), apart from agreement; asked for only when the project has check assignments.
- **waiting for adjudication** (project): documents finished by two or more annotators (the adjudication
  queue's condition: two or more sets that count) on which no adjudication has happened yet, neither
  automatic nor by a person (no gold row and no gold provenance). A document adjudicated in part whose
  remaining disputes wait for a person is not counted here: the Adjudicate window's queue lists those.

``since`` restricts the time-based figures: sessions started on or after that day (active time, labels,
minutes per document), documents done on or after it (``done_in_period``, the charts' days and weeks,
the throughput behind the finish estimate). Counts of assigned, done, skipped and remaining work and the
agreement and gold figures are the whole project's.

**Finish estimate** (the rule): from the annotator's last :data:`RECENT_DAYS` *active days* (days on which
they finished at least one document, on or before ``today`` and on or after ``since``), the rate is
documents per active day (documents finished on those days / their number) and the cadence is calendar
days per active day (the span from the first of those days to the last, ends included, / their number:
2 for someone who works every other day; 1 when there is only one such day). The remaining documents need
``ceil(remaining / rate)`` more active days, and the estimate is ``today + ceil(active days × cadence)``
calendar days. No estimate without any active day (no throughput) or with nothing remaining. The
project's is the latest of its annotators' estimates, or none when an annotator with remaining work has no
throughput (named in ``without_throughput``).

**Quality over time** (the charts): per annotator and week (weeks start on Monday; a document belongs to the
week it was done in), F1 against gold when the annotator has any document with gold, else the pooled
pairwise entity F1 with their partners on the documents they finished that week. A week is *flagged* when
its value is lower than the annotator's previous week with a value by more than ``margin`` (the project
setting :data:`MARGIN_SETTING`, default :data:`DEFAULT_MARGIN`); only weeks resting on at least
``min_documents`` documents (:data:`MIN_DOCUMENTS`) are compared, so that one odd document in a thin week
raises no flag.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import AnnotatorError
from annotator.store.reading import plain_rows, read_batches

if TYPE_CHECKING:
    from annotator.services.project import Project

#: how many of an annotator's latest active days the finish estimate's rate is taken from
RECENT_DAYS = 10
#: the project setting that holds the quality margin (a fraction, e.g. ``0.1``)
MARGIN_SETTING = "progress_quality_margin"
DEFAULT_MARGIN = 0.10
#: the fewest documents a week's quality must rest on to be compared with another week
MIN_DOCUMENTS = 3
GOLD = "gold"  # the name of the set that holds adjudicated annotations (annotations.GOLD)


class ProgressError(AnnotatorError):
    """A bad date or margin given to the progress figures."""


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` day, or a one-line error."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ProgressError(f"bad date {text!r}: expected YYYY-MM-DD") from None


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class AnnotatorProgress:
    name: str
    assigned: int = 0
    checks_assigned: int = 0  # assignments that are check documents (in ``assigned`` too)
    done: int = 0
    skipped: int = 0
    remaining: int = 0  # assigned documents neither done nor skipped
    done_in_period: int = 0  # done on or after ``since`` (all done work when no ``since``)
    active_seconds: float = 0.0
    labels: int = 0  # labels saved in the recorded sessions
    documents_timed: int = 0  # done documents with recorded time (what the median rests on)
    minutes_per_document: float | None = None  # median
    labels_per_hour: float | None = None
    active_days: int = 0  # days with a document done (in the period)
    documents_per_active_day: float | None = None  # over the last RECENT_DAYS active days
    finish_estimate: date | None = None
    agreement: float | None = None  # mean pairwise entity F1 (exact) with the others
    agreement_documents: int = 0
    gold: dict[str, Any] | None = None  # precision, recall, f1, units (documents)
    checks: dict[str, Any] | None = None  # score on check documents per layer (services.checks)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["finish_estimate"] = None if self.finish_estimate is None else self.finish_estimate.isoformat()
        return out


@dataclass
class ProjectProgress:
    documents: int = 0
    assigned: int = 0  # assignments
    assigned_documents: int = 0  # documents with at least one assignment
    checks_assigned: int = 0
    done: int = 0
    skipped: int = 0
    remaining: int = 0
    done_in_period: int = 0
    active_seconds: float = 0.0
    labels: int = 0
    documents_timed: int = 0
    minutes_per_document: float | None = None
    labels_per_hour: float | None = None
    finish_estimate: date | None = None
    without_throughput: list[str] = field(default_factory=list)  # remaining work, nothing done yet
    waiting_adjudication: int = 0
    adjudicated: int = 0  # documents with gold

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["finish_estimate"] = None if self.finish_estimate is None else self.finish_estimate.isoformat()
        return out


@dataclass
class QualityPoint:
    week: date  # its Monday
    value: float | None
    units: int  # documents the value rests on
    flagged: bool = False  # fell by more than the margin since the previous week with a value


@dataclass
class ProgressSeries:
    """What the charts draw."""

    days: list[date] = field(default_factory=list)  # every day from the first document done to the last
    done_per_day: dict[str, list[int]] = field(default_factory=dict)  # annotator -> count per day in days
    done_before: int = 0  # documents done before the first day (before ``since``)
    assigned_total: int = 0
    minutes: dict[str, list[float]] = field(default_factory=dict)  # annotator -> minutes per done document
    quality: dict[str, list[QualityPoint]] = field(default_factory=dict)
    quality_measure: dict[str, str] = field(default_factory=dict)  # annotator -> "gold F1" | "agreement F1"


@dataclass
class ProgressReport:
    annotators: list[AnnotatorProgress]
    project: ProjectProgress
    since: date | None = None
    today: date | None = None
    margin: float = DEFAULT_MARGIN
    series: ProgressSeries | None = None

    def as_dict(self) -> dict[str, Any]:
        project = self.project.as_dict()
        project["since"] = None if self.since is None else self.since.isoformat()
        project["today"] = None if self.today is None else self.today.isoformat()
        project["quality_margin"] = self.margin
        return {"annotators": [a.as_dict() for a in self.annotators], "project": project}


# ------------------------------------------------------------------------------------------------ reading


def _marker(conn: Any) -> str:
    """The driver's positional parameter marker (``?`` for sqlite3, ``%s`` for psycopg)."""
    if hasattr(conn, "exec_driver_sql"):
        return "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return "?"  # a plain connection here is sqlite3's (progress_file)


def _day(value: Any) -> date:
    """A stored timestamp's day: SQLite gives text, PostgreSQL a datetime."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _per_hour(labels: int, seconds: float) -> float | None:
    return labels / (seconds / 3600) if seconds > 0 else None


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """(Q1, median, Q3) of sorted ``values`` (linear interpolation)."""

    def at(q: float) -> float:
        pos = q * (len(values) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(values) - 1)
        return values[lo] + (values[hi] - values[lo]) * (pos - lo)

    return at(0.25), at(0.5), at(0.75)


def box_plot(values: list[float]) -> tuple[float, float, float, float, float, list[float]]:
    """A box plot of sorted, non-empty ``values``: (Q1, median, Q3, low whisker, high whisker, outliers),
    the whiskers at the farthest values within 1.5 IQR of the box."""
    q1, med, q3 = quartiles(values)
    iqr = q3 - q1
    lo = min(v for v in values if v >= q1 - 1.5 * iqr)
    hi = max(v for v in values if v <= q3 + 1.5 * iqr)
    return q1, med, q3, lo, hi, [v for v in values if v < lo or v > hi]


def finish_estimate(
    done_per_day: dict[date, int], remaining: int, today: date
) -> tuple[date | None, float | None]:
    """(finish date, documents per active day) by the rule in this module's docstring; ``done_per_day``
    holds only active days (count > 0)."""
    days = sorted(d for d, n in done_per_day.items() if n > 0 and d <= today)[-RECENT_DAYS:]
    if not days:
        return None, None
    rate = sum(done_per_day[d] for d in days) / len(days)
    cadence = ((days[-1] - days[0]).days + 1) / len(days) if len(days) > 1 else 1.0
    if remaining <= 0:
        return None, rate
    active = math.ceil(remaining / rate)
    return today + timedelta(days=math.ceil(active * cadence)), rate


def _margin(conn: Any, margin: float | None) -> float:
    if margin is not None:
        value = margin
    else:
        found = plain_rows(conn, f"SELECT value FROM settings WHERE key = '{MARGIN_SETTING}'")
        if not found:
            return DEFAULT_MARGIN
        try:
            value = float(found[0][0])
        except ValueError:
            raise ProgressError(
                f"project setting {MARGIN_SETTING} is {found[0][0]!r}: expected a number such as 0.1"
            ) from None
    if not 0 <= value <= 1:
        raise ProgressError(f"quality margin {value} is outside 0-1")
    return value


def compute_progress(
    conn: Any,
    *,
    since: date | None = None,
    today: date | None = None,
    margin: float | None = None,
    min_documents: int = MIN_DOCUMENTS,
    series: bool = False,
    checks: Any = None,
) -> ProgressReport:
    """The progress figures of the project on ``conn`` (a SQLAlchemy connection or a plain sqlite3 one);
    ``today`` defaults to the current UTC day; ``series``: also what the charts draw; ``checks``: a
    callable giving the check scores per annotator name (:func:`annotator.services.checks.check_scores`),
    called only when the project has check assignments."""
    today = today or datetime.now(UTC).date()
    margin = _margin(conn, margin)
    mark = _marker(conn)
    since_text = None if since is None else since.isoformat()
    names: dict[int, str] = {}
    gold_id = None
    for aid, name in plain_rows(conn, "SELECT id, name FROM annotators"):
        if name == GOLD:
            gold_id = aid
        else:
            names[aid] = name
    people: dict[int, AnnotatorProgress] = {}

    def person(aid: int) -> AnnotatorProgress | None:
        if aid not in names:
            return None
        if aid not in people:
            people[aid] = AnnotatorProgress(names[aid])
        return people[aid]

    for aid, n, checks_n in plain_rows(
        conn,
        "SELECT annotator_id, COUNT(*), SUM(CASE WHEN is_check THEN 1 ELSE 0 END) FROM assignments "
        "GROUP BY annotator_id",
    ):
        if (p := person(aid)) is not None:
            p.assigned, p.checks_assigned = n, int(checks_n or 0)
    for aid, status, n in plain_rows(
        conn,
        "SELECT annotator_id, status, COUNT(*) FROM work_items WHERE status IN ('done', 'skipped') "
        "GROUP BY annotator_id, status",
    ):
        if (p := person(aid)) is not None:
            setattr(p, status, n)
    for aid, n in plain_rows(
        conn,
        "SELECT a.annotator_id, COUNT(*) FROM assignments a LEFT JOIN work_items w "
        "ON w.document_id = a.document_id AND w.annotator_id = a.annotator_id "
        "AND w.status IN ('done', 'skipped') WHERE w.id IS NULL GROUP BY a.annotator_id",
    ):
        if (p := person(aid)) is not None:
            p.remaining = n

    # the day each document was done (only these rows: one per done work item)
    done_sql = "SELECT annotator_id, document_id, updated_at FROM work_items WHERE status = 'done'"
    done_day: dict[tuple[int, int], date] = {}
    per_day: dict[int, Counter[date]] = defaultdict(Counter)
    days: dict[Any, date] = {}  # SQLite's text stamps: each day's parsed once
    for aid, doc, stamp in plain_rows(conn, done_sql):
        if aid not in names:
            continue
        if isinstance(stamp, str):
            day = days.get(stamp[:10]) or days.setdefault(stamp[:10], _day(stamp))
        else:
            day = _day(stamp)
        done_day[(aid, doc)] = day
        if since is None or day >= since:
            per_day[aid][day] += 1

    # time: per annotator and document, the sessions' sums
    sql = "SELECT annotator_id, document_id, SUM(active_seconds), SUM(labels) FROM work_sessions"
    params: list[Any] = []
    if since_text is not None:
        sql += f" WHERE started_at >= {mark}"
        params.append(since_text)
    sql += " GROUP BY annotator_id, document_id"
    minutes: dict[int, list[tuple[float, int]]] = defaultdict(list)  # (minutes, document id)
    for aid, doc, seconds, labels in plain_rows(conn, sql, params):
        p = person(aid)
        if p is None:
            continue
        seconds = float(seconds or 0.0)
        p.active_seconds += seconds
        p.labels += int(labels or 0)
        finished = done_day.get((aid, doc))
        if finished is not None and seconds > 0 and (since is None or finished >= since):
            minutes[aid].append((seconds / 60, doc))

    for aid, p in people.items():
        p.done_in_period = sum(per_day[aid].values())
        p.active_days = len(per_day[aid])
        p.documents_timed = len(minutes[aid])
        p.minutes_per_document = _median([m for m, _d in minutes[aid]])
        p.labels_per_hour = _per_hour(p.labels, p.active_seconds)
        p.finish_estimate, p.documents_per_active_day = finish_estimate(per_day[aid], p.remaining, today)

    quality, measures = _quality(conn, names, gold_id, done_day, since, people)
    if checks is not None and any(p.checks_assigned for p in people.values()):
        _set_checks(people.values(), checks())

    annotators = sorted(people.values(), key=lambda p: p.name)
    project = _project(conn, gold_id, annotators, minutes)
    report = ProgressReport(annotators, project, since, today, margin)
    if series:
        report.series = _series(annotators, names, per_day, minutes, project, quality, margin, min_documents)
        report.series.quality_measure = measures
    return report


def _set_checks(people: Any, scores: dict[str, dict[str, Any]]) -> None:
    for p in people:
        p.checks = scores.get(p.name)


def plain_check_scores(conn: Any) -> dict[str, dict[str, Any]]:
    """:func:`annotator.services.checks.check_scores` (finished work only) on any connection, a plain
    sqlite3 one included, so that ``annotator progress`` on a project file with checks needs neither
    SQLAlchemy nor the project opened (about a second of its start). Only the reading differs: the checks
    each annotator was given as checks, read by :func:`read_batches` without texts, are scored by the same
    :func:`annotator.agreement.adjudication.check_scores_of` (``tests/services/test_progress.py`` holds the
    two equal)."""
    from annotator.agreement.adjudication import check_scores_of
    from annotator.annotations import Layer

    given: dict[int, set[str]] = defaultdict(set)
    for doc, name in plain_rows(
        conn,
        "SELECT a.document_id, n.name FROM assignments a "
        "JOIN check_documents c ON c.document_id = a.document_id "
        "JOIN annotators n ON n.id = a.annotator_id WHERE a.is_check",
    ):
        given[doc].add(name)
    if not given:
        return {}
    layers = (Layer.ENTITIES, Layer.EVENTS, Layer.TONE, Layer.STATUS)
    batches = read_batches(conn, documents=sorted(given), layers=layers, with_text=False)
    return check_scores_of(batches, given, _tone_name(conn))


def _tone_name(conn: Any) -> str | None:
    """The name of the project schema's document tone (None without one)."""
    from annotator.schema import parse_schema

    found = plain_rows(conn, "SELECT value FROM settings WHERE key = 'schema'")
    if not found:
        from annotator.schema.loader import default_schema

        schema = default_schema()
    else:
        schema = parse_schema(found[0][0], source="stored schema", workbench_keys=False)
    scale = schema.document_sentiment
    return scale.name if scale is not None else None


def _project(
    conn: Any,
    gold_id: int | None,
    annotators: list[AnnotatorProgress],
    minutes: dict[int, list[tuple[float, int]]],
) -> ProjectProgress:
    project = ProjectProgress()
    project.documents = plain_rows(conn, "SELECT COUNT(*) FROM documents")[0][0]
    project.assigned_documents = plain_rows(conn, "SELECT COUNT(DISTINCT document_id) FROM assignments")[0][0]
    for p in annotators:
        project.assigned += p.assigned
        project.checks_assigned += p.checks_assigned
        project.done += p.done
        project.skipped += p.skipped
        project.remaining += p.remaining
        project.done_in_period += p.done_in_period
        project.active_seconds += p.active_seconds
        project.labels += p.labels
        project.documents_timed += p.documents_timed
        if p.remaining > 0 and p.finish_estimate is None:
            project.without_throughput.append(p.name)
    project.minutes_per_document = _median([m for values in minutes.values() for m, _d in values])
    project.labels_per_hour = _per_hour(project.labels, project.active_seconds)
    estimates = [p.finish_estimate for p in annotators if p.finish_estimate is not None]
    if estimates and not project.without_throughput:
        project.finish_estimate = max(estimates)
    gold = "NULL" if gold_id is None else str(int(gold_id))
    has_gold = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} t WHERE t.document_id = d.document_id AND t.annotator_id = {gold})"
        for table in ("entities", "events", "document_labels", "targeted_sentiments")
    )
    has_gold = f"({has_gold} OR EXISTS (SELECT 1 FROM gold_provenance g WHERE g.document_id = d.document_id))"
    finished = (
        "SELECT document_id FROM work_items WHERE status = 'done' "
        f"AND annotator_id <> {gold if gold_id is not None else -1} GROUP BY document_id HAVING COUNT(*) >= 2"
    )
    project.waiting_adjudication = plain_rows(
        conn, f"SELECT COUNT(*) FROM ({finished}) d WHERE NOT {has_gold}"
    )[0][0]
    project.adjudicated = len(_gold_documents(conn, gold_id))
    return project


def _gold_documents(conn: Any, gold_id: int | None) -> list[int]:
    if gold_id is None:
        return []
    gold = int(gold_id)
    union = " UNION ".join(
        f"SELECT DISTINCT document_id FROM {table} WHERE annotator_id = {gold}"
        for table in ("entities", "events", "document_labels", "targeted_sentiments")
    )
    return sorted(d for (d,) in plain_rows(conn, union))


def _quality(
    conn: Any,
    names: dict[int, str],
    gold_id: int | None,
    done_day: dict[tuple[int, int], date],
    since: date | None,
    people: dict[int, AnnotatorProgress],
) -> tuple[dict[str, dict[date, tuple[float | None, int]]], dict[str, str]]:
    """Agreement and gold figures per annotator (set on ``people``); per annotator and week the quality
    value and the documents it rests on, and which measure that is (``gold F1`` or ``agreement F1``)."""
    from annotator.agreement.adjudication import ScoreCounts
    from annotator.agreement.coefficients import mean_figure
    from annotator.agreement.spans import F1Counts, match_exact
    from annotator.annotations import Layer

    shared = [
        d
        for (d,) in plain_rows(
            conn,
            "SELECT document_id FROM work_items WHERE status = 'done' "
            f"AND annotator_id <> {-1 if gold_id is None else int(gold_id)} "
            "GROUP BY document_id HAVING COUNT(*) >= 2",
        )
    ]
    gold_docs = _gold_documents(conn, gold_id)
    ids = sorted(set(shared) | set(gold_docs))
    by_name = {name: aid for aid, name in names.items()}
    pairs: dict[tuple[str, str], F1Counts] = {}
    scores = ScoreCounts()
    weekly_gold: dict[date, ScoreCounts] = defaultdict(ScoreCounts)
    weekly_agreement: dict[tuple[str, date], F1Counts] = defaultdict(F1Counts)
    compared: dict[str, set[int]] = defaultdict(set)  # documents compared with a partner

    def week(name: str, doc: int) -> date | None:
        day = done_day.get((by_name[name], doc))
        if day is None or (since is not None and day < since):
            return None
        return week_of(day)

    layers = {Layer.ENTITIES, Layer.EVENTS, Layer.STATUS}
    for batch in read_batches(conn, documents=ids, layers=layers, with_text=False):
        for doc in batch:
            counted = {n: s for n, s in doc.counted(include_unfinished=False).items() if n in by_name}
            if doc.gold is not None:
                scores.add(doc.gold, counted)
                for name, ann in counted.items():
                    wk = week(name, doc.id)
                    if wk is not None:
                        weekly_gold[wk].add(doc.gold, {name: ann})
            if len(counted) < 2:
                continue
            spans = {n: [(e[1], e[2], e[3]) for e in s.entities] for n, s in counted.items()}
            ordered = sorted(counted)
            for name in ordered:
                compared[name].add(doc.id)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    matched = len(match_exact(spans[a], spans[b]))
                    pair = pairs.get((a, b))
                    if pair is None:
                        pair = pairs[a, b] = F1Counts()
                    pair.add(matched, len(spans[a]), len(spans[b]))
                    for who in (a, b):
                        wk = week(who, doc.id)
                        if wk is not None:
                            weekly_agreement[who, wk].add(matched, len(spans[a]), len(spans[b]))
    gold_scores = scores.scores()
    for p in people.values():
        mine = [pair.figure() for (a, b), pair in pairs.items() if p.name in (a, b)]
        if mine:
            figure = mean_figure(mine)
            p.agreement = figure.value
            p.agreement_documents = len(compared[p.name])
        if p.name in gold_scores:
            p.gold = gold_scores[p.name]
    out: dict[str, dict[date, tuple[float | None, int]]] = {}
    measures: dict[str, str] = {}
    for aid, name in names.items():
        if aid not in people:
            continue
        weeks: dict[date, tuple[float | None, int]] = {}
        if name in gold_scores:
            for wk, counts in weekly_gold.items():
                found = counts.scores().get(name)
                if found is not None:
                    weeks[wk] = (found["f1"], found["units"])
        else:
            for (who, wk), f1 in weekly_agreement.items():
                if who == name:
                    figure = f1.figure()
                    weeks[wk] = (figure.value, figure.units)
        out[name] = dict(sorted(weeks.items()))
        measures[name] = "gold F1" if name in gold_scores else "agreement F1"
    return out, measures


def _series(
    annotators: list[AnnotatorProgress],
    names: dict[int, str],
    per_day: dict[int, Counter[date]],
    minutes: dict[int, list[tuple[float, int]]],
    project: ProjectProgress,
    quality: dict[str, dict[date, tuple[float | None, int]]],
    margin: float,
    min_documents: int,
) -> ProgressSeries:
    out = ProgressSeries()
    all_days = sorted({d for counts in per_day.values() for d in counts})
    if all_days:
        first, last = all_days[0], all_days[-1]
        out.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    shown = {p.name for p in annotators}
    for aid, name in sorted(names.items(), key=lambda item: item[1]):
        if name not in shown:
            continue
        counts = per_day.get(aid, Counter())
        out.done_per_day[name] = [counts.get(d, 0) for d in out.days]
        out.minutes[name] = sorted(m for m, _d in minutes.get(aid, []))
    out.done_before = project.done - project.done_in_period
    out.assigned_total = project.assigned
    for name, weeks in quality.items():
        points: list[QualityPoint] = []
        previous: float | None = None
        for wk, (value, units) in weeks.items():
            solid = value is not None and units >= min_documents
            flagged = solid and previous is not None and previous - (value or 0.0) > margin
            points.append(QualityPoint(wk, value, units, flagged))
            if solid:
                previous = value
        out.quality[name] = points
    return out


# ------------------------------------------------------------------------------------------------ callers


def project_progress(project: Project, **options: Any) -> ProgressReport:
    """:func:`compute_progress` on an open project (``options`` as there), with Python's cyclic collector
    paused as agreement pauses it (the rows read make many short-lived tuples, none in a cycle: its full
    collections held every thread, the window's too, for 100 ms at a time)."""
    from annotator.services.agreement import _collector_paused
    from annotator.services.checks import check_scores

    options.setdefault("checks", lambda: check_scores(project))
    with _collector_paused(), project.engine.connect() as conn:
        return compute_progress(conn, **options)


def progress_file(target: str | Path, **options: Any) -> ProgressReport | None:
    """:func:`compute_progress` on a project file on a plain sqlite3 connection (no SQLAlchemy, engine or
    Alembic: the command's start-up is most of its time); None when the project must be opened as usual
    (a URL, another revision, a busy file), as :func:`annotator.store.database.open_plain` decides."""
    import sqlite3

    from annotator.store.database import damaged_read, open_plain

    opened = open_plain(target)
    if opened is None:
        return None
    path, con = opened
    from annotator.services.agreement import _collector_paused

    options.setdefault("checks", lambda: plain_check_scores(con))
    try:
        with _collector_paused():
            return compute_progress(con, **options)
    except sqlite3.OperationalError:  # busy past the timeout, unreadable: the usual open says
        return None
    except sqlite3.DatabaseError as exc:
        raise damaged_read(path, exc) from None
    finally:
        con.close()


@dataclass(frozen=True)
class BehindRow:
    """A document behind a point of a chart."""

    document_id: int
    external_id: str
    title: str
    annotator: str
    done_on: date | None
    minutes: float | None  # active time recorded on it by that annotator


def documents_behind(
    project: Project,
    annotator: str | None = None,
    *,
    day: date | None = None,
    week: date | None = None,
    since: date | None = None,
    slowest_first: bool = False,
) -> list[BehindRow]:
    """The documents done by ``annotator`` (everyone's when None) on ``day``, in the week starting ``week``,
    or (neither given) all their done documents on or after ``since``: what a bar, a point or a box of the
    charts stands for. In document order, or slowest first."""
    clauses = ["w.status = 'done'"]
    with project.engine.connect() as conn:
        mark = _marker(conn)
        params: list[Any] = []
        if annotator is not None:
            clauses.append(f"a.name = {mark}")
            params.append(annotator)
        else:
            clauses.append(f"a.name <> {mark}")
            params.append(GOLD)
        start = day or week or since
        end = day + timedelta(days=1) if day else week + timedelta(days=7) if week else None
        if start is not None:
            clauses.append(f"w.updated_at >= {mark}")
            params.append(start.isoformat())
        if end is not None:
            clauses.append(f"w.updated_at < {mark}")
            params.append(end.isoformat())
        rows = plain_rows(
            conn,
            "SELECT w.document_id, d.external_id, d.title, a.name, w.updated_at, "
            "(SELECT SUM(s.active_seconds) FROM work_sessions s "
            "WHERE s.document_id = w.document_id AND s.annotator_id = w.annotator_id) "
            "FROM work_items w JOIN annotators a ON a.id = w.annotator_id "
            "JOIN documents d ON d.id = w.document_id WHERE " + " AND ".join(clauses),
            params,
        )
    out = [
        BehindRow(doc, ext, title or "", name, _day(stamp), None if secs is None else float(secs) / 60)
        for doc, ext, title, name, stamp, secs in rows
    ]
    if slowest_first:
        out.sort(key=lambda r: (-(r.minutes or 0.0), r.document_id))
    else:
        out.sort(key=lambda r: (r.document_id, r.annotator))
    return out


def format_progress(report: ProgressReport) -> str:
    """The plain table ``annotator progress`` prints."""

    def num(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    def day(value: date | None) -> str:
        return "-" if value is None else value.isoformat()

    header = (
        "annotator",
        "assigned",
        "done",
        "skipped",
        "left",
        "hours",
        "min/doc",
        "labels/h",
        "docs/day",
        "finish",
        "agree F1",
        "gold P",
        "gold R",
        "gold F1",
        "checks",
    )
    rows = []
    for p in report.annotators:
        gold = p.gold or {}
        rows.append(
            (
                p.name,
                str(p.assigned),
                str(p.done),
                str(p.skipped),
                str(p.remaining),
                num(p.active_seconds / 3600),
                num(p.minutes_per_document),
                num(p.labels_per_hour),
                num(p.documents_per_active_day),
                day(p.finish_estimate),
                num(p.agreement, 3),
                num(gold.get("precision"), 3),
                num(gold.get("recall"), 3),
                num(gold.get("f1"), 3),
                checks_text(p.checks),
            )
        )
    t = report.project
    rows.append(
        (
            "(project)",
            str(t.assigned),
            str(t.done),
            str(t.skipped),
            str(t.remaining),
            num(t.active_seconds / 3600),
            num(t.minutes_per_document),
            num(t.labels_per_hour),
            "",
            day(t.finish_estimate),
            "",
            "",
            "",
            "",
            "",
        )
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(header), *(line(r) for r in rows)]
    period = f"since {report.since.isoformat()}" if report.since else "all time"
    lines.append("")
    lines.append(
        f"{t.documents} documents, {t.assigned_documents} assigned ({t.checks_assigned} check assignments); "
        f"{t.waiting_adjudication} waiting for adjudication, {t.adjudicated} with gold"
    )
    lines.append(f"time figures: {period}; {t.done_in_period} documents done in it")
    if t.without_throughput:
        lines.append(
            "no finish estimate for the project: nothing done yet by " + ", ".join(t.without_throughput)
        )
    return "\n".join(lines)


def checks_text(checks: dict[str, Any] | None) -> str:
    """An annotator's scores on checks in a few words: F1 per span layer, accuracy for the tone."""
    if not checks:
        return "-"
    parts = []
    for layer, score in sorted(checks.items()):
        value = score.get("f1", score.get("accuracy")) if isinstance(score, dict) else score
        if isinstance(value, (int, float)):
            parts.append(f"{layer} {value:.2f}")
    return " ".join(parts) or "-"
