"""Consultations: the list, the editor (the consultation as YAML, the same format as
`mashwara consultations create`, checked by bot.consultations.spec, with each
question's characters, encoding and SMS segments per language and the cost before
anything is stored), sending, closing, and the results with charts and small counts
suppressed."""

from __future__ import annotations

import yaml
from flask import flash, redirect, render_template, request, url_for

from bot.audit import trail as audit
from bot.consultations import hooks, questions, results, service, spec, summary
from bot.core.clock import now
from bot.store import Consultation, ConsultationStatus
from bot.text import segments
from bot.text.render import as_text
from dashboard.auth import services
from dashboard.charts import bars
from dashboard.i18n import gettext as _
from dashboard.i18n import number
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import actor, get_or_404
from locales import LANGUAGES, NATIVE_NAMES, Translator

bp = page_blueprint("consultations", "/consultations")
NAV = NavItem(45, "consultations.index", "dash.nav.consultations", "broadcasts.view",
              section="outreach")
EXAMPLE = """name: water-2026
title: {en: Water in your village, fa: آب در قریه شما}
questions:
  - key: source
    kind: choice
    text: {en: "Where does your water come from?", fa: "آب شما از کجا می‌آید؟"}
    options:
      - {key: well, text: {en: Well, fa: چاه}}
      - {key: river, text: {en: River, fa: دریا}}
  - {key: enough, kind: yesno, text: {en: "Is there enough water?", fa: "آیا آب کافی است؟"}}
audience: {}
closes: 2026-12-31 18:00
timezone: Asia/Kabul
anonymous: false
"""


@bp.get("/")
@require("broadcasts.view")
def index():
    with services().database.read() as db:
        rows = service.listing(db)
    return render_template("consultations/index.html", rows=rows)


def measured(consultation: Consultation, default_language: str) -> list[dict]:
    """Each question's first message in each language as sent: characters, encoding,
    SMS segments (the first question carries the title)."""
    out = []
    for index, question in enumerate(consultation.definition["questions"]):
        for language in LANGUAGES:
            t = Translator(language, default_language)
            text, choices = (service.opening(consultation, t) if index == 0
                             else questions.ask(question, t))
            rendered = as_text(text, choices, language)
            count = segments.count(rendered)
            out.append({"question": question["key"], "language": language, "text": rendered,
                        "characters": count.characters, "encoding": count.encoding,
                        "segments": count.segments})
    return out


def _check(source: str):
    """The YAML checked, as a consultation not stored; or the error naming the field."""
    settings = services().settings
    try:
        raw = yaml.safe_load(source)
        draft = spec.parse(raw, default_language=settings.default_language)
    except yaml.YAMLError as error:
        return None, _("dash.consultation.yaml", error=str(error).splitlines()[0])
    except spec.SpecError as error:
        return None, str(error)
    return draft, None


def _editor(source: str, draft=None, error: str | None = None, status: int = 200):
    checked = costs = None
    if draft is not None:
        settings = services().settings
        with services().database.write() as db:
            probe = service.create(db, draft, by=actor(), now=now())
            checked = measured(probe, settings.default_language)
            costs = service.costs(db, probe, default_language=settings.default_language,
                                  channels=hooks.channels(services()))
            db.rollback()  # a preview: nothing is stored
    return render_template("consultations/new.html", source=source, error=error,
                           checked=checked, costs=costs), status


@bp.get("/new")
@require("broadcasts.send")
def new():
    return _editor(EXAMPLE)


@bp.post("/preview")
@require("broadcasts.send")
def preview():
    source = request.form.get("source", "")
    draft, error = _check(source)
    try:
        return _editor(source, draft, error, 422 if error else 200)
    except spec.SpecError as taken:
        return _editor(source, None, str(taken), 422)


@bp.post("/measure")
@require("broadcasts.send")
def measure():
    """The editor's live counts: each question's SMS per language, as `preview` shows
    them, for the draft typed so far; or the error naming its field (422)."""
    draft, error = _check(request.form.get("source", ""))
    if error:
        return {"error": error}, 422
    checked = measured(Consultation(definition=draft.definition),
                       services().settings.default_language)
    return {"rows": [m | {"language_name": NATIVE_NAMES[m["language"]],
                          "characters_shown": number(m["characters"]),
                          "segments_shown": number(m["segments"])} for m in checked]}


@bp.post("/")
@require("broadcasts.send")
def create():
    source = request.form.get("source", "")
    draft, error = _check(source)
    if error:
        return _editor(source, None, error, 422)
    try:
        with services().database.write() as db:
            row = service.create(db, draft, by=actor(), now=now())
            audit.record(db, actor(), "consultation.create", "consultation", row.id,
                         {"name": row.name})
            consultation_id = row.id
    except spec.SpecError as taken:
        return _editor(source, None, str(taken), 422)
    flash(_("dash.consultation.created"))
    return redirect(url_for("consultations.show", consultation_id=consultation_id))


def chart(counts: dict, labels: dict) -> list:
    """Bars for the counts shown; a suppressed cell gets no bar (and no number that could
    be read as zero): the table beside it says "fewer than N"."""
    return bars([(labels.get(key, key), value) for key, value in counts.items()
                 if isinstance(value, int)])


@bp.get("/<int:consultation_id>")
@require("broadcasts.view")
def show(consultation_id: int, texts: dict | None = None, error: str | None = None):
    settings = services().settings
    with services().database.read() as db:
        row = get_or_404(db, Consultation, consultation_id)
        found = results.results(db, row, below=settings.suppress_below)
        costs = service.costs(db, row, default_language=settings.default_language,
                              channels=hooks.channels(services()))
    t = Translator(settings.default_language, settings.default_language)
    labelled = []
    for question, result in zip(row.definition["questions"], found["questions"], strict=True):
        labels = dict(questions.options(question, t))
        labelled.append({"question": question, "result": result, "labels": labels,
                         "text": questions.text_of(question["text"], t)})
    return render_template("consultations/show.html", consultation=row, found=found,
                           questions=labelled, costs=costs, audiences=summary.AUDIENCES,
                           figures=", ".join("{" + k + "}" for k in summary.figures(found)),
                           say_texts=texts or {}, error=error,
                           title=questions.text_of(row.definition["title"], t),
                           chart=chart, shown=results.plain)


def _act(consultation_id: int, action: str, work):
    with services().database.write() as db:
        row = get_or_404(db, Consultation, consultation_id)
        if row.status == ConsultationStatus.CLOSED:
            flash(_("dash.consultation.is_closed"), "error")
            return None
        work(db, row)
        audit.record(db, actor(), f"consultation.{action}", "consultation", row.id)
        return row.id


@bp.post("/<int:consultation_id>/send")
@require("broadcasts.send")
def send(consultation_id: int):
    def schedule(db, row):
        if row.opens_at > now():
            row.status = ConsultationStatus.SCHEDULED

    if _act(consultation_id, "send", schedule) is not None:
        with services().database.read() as db:
            later = db.get(Consultation, consultation_id).status == ConsultationStatus.SCHEDULED
        if not later:
            reached = hooks.send(services(), consultation_id)
            flash(_("dash.consultation.sent", n=reached))
        else:
            flash(_("dash.consultation.scheduled"))
    return redirect(url_for("consultations.show", consultation_id=consultation_id))


@bp.post("/<int:consultation_id>/close")
@require("broadcasts.send")
def close(consultation_id: int):
    if _act(consultation_id, "close", lambda db, row: service.close(db, row, now())):
        flash(_("dash.consultation.closed"))
    return redirect(url_for("consultations.show", consultation_id=consultation_id))


@bp.post("/<int:consultation_id>/say")
@require("broadcasts.send")
def say(consultation_id: int):
    """'You said, we did': the summary per language, figures filled in for each reader."""
    texts = {lang: request.form.get(f"say_{lang}", "") for lang in LANGUAGES}
    to = request.form.get("to", "participants")
    settings = services().settings
    with services().database.write() as db:
        row = get_or_404(db, Consultation, consultation_id)
        found = results.results(db, row, below=settings.suppress_below, with_breakdowns=False)
        try:
            checked = summary.check(texts, summary.figures(found))
            if to not in summary.AUDIENCES:
                raise spec.SpecError("to", "participants or audience")
        except spec.SpecError as problem:
            db.rollback()
            return show(consultation_id, texts, str(problem)), 422
        reached = summary.send(db, row, checked, summary.figures(found), to=to,
                               settings=settings, now=now())
        audit.record(db, actor(), "consultation.summary", "consultation", row.id,
                     {"to": to, "reached": reached, "languages": sorted(checked)})
    flash(_("dash.consultation.said", n=reached))
    return redirect(url_for("consultations.show", consultation_id=consultation_id))
