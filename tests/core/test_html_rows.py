"""Rows a page repeats many times are written in Python (core.html; the board's cards, list rows):
each is checked here against the template it replaced, with values that need escaping, so the
markup and its escaping stay what Django's autoescape wrote."""

import datetime
import re
import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from core.html import e, truncate


def _same(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


HOSTILE = "<script>alert('x')</script> & \"引号\""


def test_escape_is_conditional_escape():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    for value in (HOSTILE, 3, None, mark_safe("<b>safe</b>"), "普通文字", uuid.UUID(int=7)):
        assert e(value) == str(conditional_escape(value))


def test_truncate_is_truncatechars():
    from django.template.defaultfilters import truncatechars

    for text in ("", "短", "法" * 40, "法" * 41, "e\u0301" * 30, HOSTILE * 3):
        assert truncate(text, 40) == truncatechars(text, 40)


BOARD_CARD = """{% load i18n %}{% for r in rows %}
<div class="card mb-2 rating-{{ r.rating }}">
  <div class="card-body py-2">
    <div class="d-flex flex-wrap justify-content-between gap-2">
      <span class="fw-semibold">{{ r.unit.name }}</span>
      <span class="small d-flex flex-wrap gap-2">
        <span class="badge rating-{{ r.rating }}">{% if r.rating == "red" %}{% translate "Red" %}{% elif r.rating == "amber" %}{% translate "Amber" %}{% else %}{% translate "Green" %}{% endif %}</span>
        <span class="{% if r.overdue %}text-overdue fw-semibold{% endif %}">{% translate "Overdue" %} {{ r.overdue }}</span>
        <span>{% translate "Returned" %} {{ r.returned }}</span>
        {% if r.escalated %}<span class="text-danger">{% translate "Escalated" %} {{ r.escalated }}</span>{% endif %}
        <span class="text-secondary">{% translate "Tasks waiting for review" %} {{ r.submitted }}</span>
      </span>
    </div>
    {% if r.items %}
    <details class="small mt-1"{% if r.rating == "red" %} open{% endif %}>
      <summary class="text-secondary">{% blocktranslate count n=r.open %}{{ n }} open item{% plural %}{{ n }} open items{% endblocktranslate %}</summary>
      <ul class="mb-0">
      {% for i in r.items %}<li><a href="{{ i.url }}">{{ i.code }}</a> {{ i.title|truncatechars:40 }} · {{ i.status_label }}{% if i.days_overdue %} · <span class="text-overdue">{% blocktranslate count days=i.days_overdue %}{{ days }} day overdue{% plural %}{{ days }} days overdue{% endblocktranslate %}</span>{% endif %}</li>{% endfor %}
      </ul>
      {% if r.open > r.items|length %}<a class="ms-3" href="{% url 'assignments:list' %}?unit={{ r.unit.pk }}&amp;open=true">{% blocktranslate with n=r.open %}All {{ n }} open items{% endblocktranslate %}</a>{% endif %}
    </details>
    {% endif %}
  </div>
</div>
{% endfor %}"""


class _Unit:
    def __init__(self, name):
        self.pk, self.name = uuid.uuid4(), name


def _board_rows():
    item = {
        "code": "1.2.<3>",
        "title": HOSTILE * 4,
        "status_label": "已退回<b>",
        "deadline": datetime.date(2026, 1, 1),
        "url": '/a/?x=1&y="2"',
    }
    return [
        {"unit": _Unit(HOSTILE), "rating": "red", "overdue": 5, "returned": 1, "escalated": 2, "submitted": 0,
         "open": 7, "items": [{**item, "days_overdue": 1}, {**item, "days_overdue": 12}, {**item, "days_overdue": 0}]},
        {"unit": _Unit("县司法局"), "rating": "amber", "overdue": 0, "returned": 2, "escalated": 0, "submitted": 3,
         "open": 1, "items": [{**item, "days_overdue": 0}]},
        {"unit": _Unit("乡镇"), "rating": "green", "overdue": 0, "returned": 0, "escalated": 0, "submitted": 1,
         "open": 0, "items": []},
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_board_cards_write_what_the_template_wrote(language):
    rows = _board_rows()
    with translation.override(language):
        expected = Template(BOARD_CARD).render(Context({"rows": rows}))
        written = Template("{% load board_tags %}{% board_cards rows %}").render(Context({"rows": rows}))
    assert _same(written) == _same(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written


TASK_ROWS = """{% load i18n %}{% for a in shares %}
    <tr{% if a.is_open and not a.ongoing and a.deadline and a.deadline < today %} class="table-overdue"{% endif %}>
      <td><input class="form-check-input" type="checkbox" name="selected" value="{{ a.pk }}" aria-label="{% translate 'Select' %}"></td>
      <td class="text-nowrap"><a href="{{ a.get_absolute_url }}">{{ a.indicator.code }}</a></td>
      <td class="small indicator-title">{{ a.indicator.title|truncatechars:48 }}</td>
      <td class="text-nowrap">{{ a.unit }}</td>
      <td class="small text-nowrap">{{ a.get_role_display }}</td>
      <td class="text-nowrap small{% if a.is_open and not a.ongoing and a.deadline and a.deadline < today %} text-overdue fw-semibold{% endif %}">{% if a.ongoing %}{% translate "Ongoing" %}{% else %}{{ a.deadline|date:"Y-m-d" }}{% endif %}</td>
      <td><span class="badge status-{{ a.status }}">{{ a.get_status_display }}</span> {% include "assignments/_signoff_badge.html" %}{% if a.escalated_at and a.is_open %} <span class="badge text-bg-danger">{% translate "Escalated" %}</span>{% endif %}</td>
    </tr>
{% endfor %}"""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_task_rows_write_what_the_template_wrote(world, language):
    from django.utils import timezone

    from assignments.models import Assignment

    S = Assignment.Status
    shares = list(Assignment.objects.filter(campaign=world.campaign).select_related("indicator", "unit")[:8])
    states = [
        (S.NOT_STARTED, False, None, None),
        (S.SUBMITTED, False, None, timezone.now()),
        (S.SUBMITTED, True, None, None),
        (S.ACCEPTED, False, timezone.now(), None),
        (S.ACCEPTED, False, None, None),
        (S.RETURNED, False, None, timezone.now()),
        (S.IN_PROGRESS, True, None, None),
        (S.IN_PROGRESS, False, None, None),
    ]
    for share, (status, ongoing, signed, escalated) in zip(shares, states, strict=False):
        share.status, share.ongoing, share.signed_off_at, share.escalated_at = status, ongoing, signed, escalated
    shares[0].indicator.title = HOSTILE * 3
    shares[0].unit.name, shares[0].unit.short_name = HOSTILE, ""
    shares[-1].deadline = None
    today = datetime.date(2026, 6, 1)
    with translation.override(language):
        expected = Template(TASK_ROWS).render(Context({"shares": shares, "today": today}))
        written = Template("{% load task_tags %}{% task_rows shares today %}").render(
            Context({"shares": shares, "today": today})
        )
    assert _same(written) == _same(expected)
    assert "<script>" not in written


ASSESSMENT_ROWS = """{% load i18n %}{% for r in rows %}
    <tr>
      <td class="text-nowrap"><a href="{% url 'assessment:edit' r.indicator.pk %}">{{ r.indicator.code }}</a></td>
      <td class="small indicator-title">{{ r.indicator.title|truncatechars:60 }}{% if r.indicator.is_veto %} <span class="badge text-bg-danger">{% translate "veto" %}</span>{% endif %}{% if r.notes %} <span class="badge text-bg-warning" title="{{ r.notes.0.text }}" data-indicator-note>{% translate "returned by the city" %}</span>{% endif %}</td>
      <td class="text-nowrap"><span class="badge result-{{ r.result|default:'none' }}">{% if r.assessment and r.result %}{{ r.assessment.get_result_display }}{% else %}{% translate "Not assessed" %}{% endif %}</span></td>
      <td class="small text-nowrap">{% if r.assessment.self_score is not None %}{{ r.assessment.self_score|floatformat:"-2" }}{% endif %}{% if r.indicator.score is not None %} / {{ r.indicator.score|floatformat:"-2" }}{% endif %}</td>
      <td class="small text-nowrap">{% if r.assessment %}{{ r.assessment.get_status_display }}{% else %}{% translate "To do" %}{% endif %}</td>
      <td class="small text-nowrap text-secondary">{% if r.suggestion == "met" %}{% translate "Met" %}{% elif r.suggestion == "partial" %}{% translate "Partially met" %}{% else %}{% translate "Not met" %}{% endif %}</td>
    </tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_assessment_rows_write_what_the_template_wrote(language):
    from decimal import Decimal

    from assessment.models import Assessment
    from assessment.selectors import IndicatorNote
    from indicators.models import Indicator

    R = Assessment.Result
    indicators = [
        Indicator(id=uuid.uuid4(), level=3, code=f"1.1.{n}", title=f"指标{n}", score=Decimal("3"), is_veto=False)
        for n in range(6)
    ]
    indicators[0].title, indicators[0].is_veto = HOSTILE * 3, True
    indicators[1].score = None
    indicators[2].score = Decimal("2.50")
    cases = [
        (Assessment(indicator=indicators[0], result=R.MET, status="todo", self_score=Decimal("1.25")), "met", [IndicatorNote("市", HOSTILE)]),
        (Assessment(indicator=indicators[1], result=R.PARTIAL, status="done", self_score=None), "partial", []),
        (Assessment(indicator=indicators[2], result="", status="todo", self_score=Decimal("2")), "not_met", []),
        (None, "met", []),
        (Assessment(indicator=indicators[4], result=R.NOT_APPLICABLE, status="todo"), "not_met", []),
        (None, "partial", [IndicatorNote("市", "补充")]),
    ]  # fmt: skip
    rows = [
        {"indicator": i, "assessment": a, "notes": notes, "result": a.result if a else "", "suggestion": s}
        for i, (a, s, notes) in zip(indicators, cases, strict=False)
    ]
    with translation.override(language):
        expected = Template(ASSESSMENT_ROWS).render(Context({"rows": rows}))
        written = Template("{% load assessment_tags %}{% assessment_rows_html rows %}").render(Context({"rows": rows}))
    assert _same(written) == _same(expected)
    assert "<script>" not in written


EVIDENCE_ITEMS = """{% for e in items %}
    <li class="list-group-item d-flex justify-content-between gap-2"><span><a href="{{ e.get_absolute_url }}">{{ e.title }}</a> <span class="text-secondary">· {{ e.assignment.unit.name }} · {{ e.get_kind_display }}</span></span>
      <span class="badge flex-shrink-0 align-self-start {% if e.review_status == 'accepted' %}text-bg-success{% elif e.review_status == 'returned' %}text-bg-danger{% else %}text-bg-warning{% endif %}">{{ e.get_review_status_display }}</span></li>
{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_evidence_item_rows_write_what_the_template_wrote(language):
    from assignments.models import Assignment
    from evidence.models import Evidence
    from org.models import Unit

    unit = Unit(name=HOSTILE, region_id=uuid.uuid4())  # a region of its own: no default looked up
    items = [
        Evidence(id=uuid.uuid4(), title=HOSTILE, kind=kind, review_status=status, assignment=Assignment(unit=unit))
        for kind, status in zip(Evidence.Kind.values, [*Evidence.Review.values, "pending"], strict=False)
    ]
    with translation.override(language):
        expected = Template(EVIDENCE_ITEMS).render(Context({"items": items}))
        rows = [  # what indicator_evidence reads of each piece
            SimpleNamespace(pk=i.pk, title=i.title, kind=i.kind, review_status=i.review_status, unit_name=unit.name)
            for i in items
        ]
        written = Template("{% load assessment_tags %}{% evidence_item_rows items %}").render(Context({"items": rows}))
    assert _same(written) == _same(expected)
    assert "<script>" not in written and written.count("<li") == len(items) > 2


BARS = """{% for b in bars %}
  <div class="mb-2">
    <div class="d-flex justify-content-between gap-2 small">
      <span class="text-truncate">{% if b.link %}<a href="{{ b.link }}">{{ b.label }}</a>{% else %}{{ b.label }}{% endif %}</span>
      <span class="text-nowrap">{{ b.done }}/{{ b.total }} · {{ b.pct }}%</span>
    </div>
    <svg width="100%" height="10" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
      <rect x="0" y="1" width="100" height="8" rx="2" fill="#e9ecef"></rect>
      <rect x="0" y="1" width="{{ b.pct }}" height="8" rx="2" fill="{% if b.pct >= 90 %}#198754{% elif b.pct >= 50 %}#0d6efd{% else %}#b3261e{% endif %}"></rect>
    </svg>
  </div>
  {% endfor %}"""


def test_bar_rows_write_what_the_template_wrote():
    bars = [
        {"label": HOSTILE, "link": '/a/?unit=1&x="2"', "done": 9, "total": 10, "pct": 90},
        {"label": "城关镇", "link": "", "done": 1, "total": 2, "pct": 50},
        {"label": "县司法局", "done": 0, "total": 0, "pct": 0},
        {"label": "89", "link": "/b/", "done": 89, "total": 100, "pct": 89},
    ]
    from inspection.selectors import Rate

    bars.append(Rate(HOSTILE, 3, 4))  # 迎检's bars are objects
    expected = Template(BARS).render(Context({"bars": bars}))
    written = Template("{% load assessment_tags %}{% bar_rows bars %}").render(Context({"bars": bars}))
    assert _same(written) == _same(expected)
    assert "<script>" not in written and written.count("<svg") == len(bars)


QUEUE_ROWS = """{% load i18n humanize %}{% for e in pieces %}
  <div class="list-group-item">
    <div class="d-flex gap-2">
      <input class="form-check-input mt-2 flex-shrink-0" type="checkbox" name="ids" value="{{ e.pk }}" form="bulk" aria-label="{% translate 'Tick' %} {{ e.title }}">
      {% with r=e.current_revision %}{% if r.thumbnail %}<img src="{% url 'evidence:thumbnail' r.pk %}" alt="" class="evidence-thumb rounded" loading="lazy">{% else %}<span class="evidence-icon rounded">{% include "evidence/_icon.html" with e=e %}</span>{% endif %}{% endwith %}
      <div class="flex-grow-1">
        <a href="{{ e.get_absolute_url }}" class="fw-semibold">{{ e.title }}</a>
        <div class="small text-secondary d-flex flex-wrap gap-2">
          <span>{{ e.assignment.indicator.code }}</span><span>{{ e.assignment.unit }}</span><span>{{ e.get_kind_display }}</span>
          <span>{% blocktranslate with t=e.created_at|naturaltime %}uploaded {{ t }}{% endblocktranslate %}</span>
        </div>
      </div>
      <form method="post" action="{% url 'evidence:review' e.pk %}" class="text-nowrap">{% csrf_token %}
        <input type="hidden" name="from" value="queue"><input type="hidden" name="queue" value="{{ request.GET.urlencode }}">
        <button class="btn btn-sm btn-outline-success" type="submit" name="decision" value="accepted">{% translate "Accept" %}</button>
        <a class="btn btn-sm btn-outline-secondary" href="{{ e.get_absolute_url }}?queue={{ request.GET.urlencode|urlencode }}">{% translate "Open" %}</a>
      </form>
    </div>
  </div>
{% empty %}
  <div class="list-group-item text-secondary">{% translate "Nothing is waiting for review." %}</div>
{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_queue_rows_write_what_the_template_wrote(language):
    from django.template import RequestContext
    from django.test import RequestFactory
    from django.utils import timezone

    from assignments.models import Assignment
    from evidence.models import Evidence, EvidenceRevision
    from indicators.models import Indicator
    from org.models import Unit

    request = RequestFactory().get("/evidence/review/", {"code": HOSTILE, "review": "pending"})
    unit = Unit(name=HOSTILE, short_name="短<名>", region_id=uuid.uuid4())
    share = Assignment(unit=unit, indicator=Indicator(code="1.2.<3>", title=HOSTILE))
    now = timezone.now()
    revisions = [
        EvidenceRevision(id=uuid.uuid4(), thumbnail="thumbs/a.jpg", original_name="a.jpg", content_type="image/jpeg"),
        EvidenceRevision(id=uuid.uuid4(), original_name="报告.wps", content_type="application/vnd.ms-works"),
        EvidenceRevision(id=uuid.uuid4(), url="https://example.org/?a=1&b=2"),
        EvidenceRevision(id=uuid.uuid4(), text=HOSTILE),
        EvidenceRevision(id=uuid.uuid4()),
    ]
    kinds = [
        Evidence.Kind.IMAGE,
        Evidence.Kind.DOCUMENT,
        Evidence.Kind.NEWS_LINK,
        Evidence.Kind.SUMMARY,
        Evidence.Kind.DOCUMENT,
    ]
    pieces = [
        Evidence(id=uuid.uuid4(), title=HOSTILE, kind=kind, assignment=share, current_revision=revision,
                 created_at=now - datetime.timedelta(hours=3 * n))
        for n, (kind, revision) in enumerate(zip(kinds, revisions, strict=True))
    ]  # fmt: skip
    pieces.append(
        Evidence(id=uuid.uuid4(), title="无修订", kind=Evidence.Kind.DOCUMENT, assignment=share, created_at=now)
    )
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    with translation.override(language):
        expected = Template(QUEUE_ROWS).render(RequestContext(request, {"pieces": pieces}))
        written = Template("{% load evidence_rows %}{% queue_rows pieces %}").render(
            RequestContext(request, {"pieces": pieces})
        )
    assert token.search(written)
    assert _same(token.sub("", written)) == _same(token.sub("", expected))
    assert "<script>" not in written and written.count('class="list-group-item"') == len(pieces)


SHARE_EVIDENCE = """{% load i18n %}  {% for e in pieces %}
    <li class="list-group-item{% if e.is_hidden %} bg-body-secondary{% endif %}">
      <a class="d-flex gap-2 text-decoration-none text-body" href="{{ e.get_absolute_url }}">
        {% with r=e.current_revision %}
        {% if r.thumbnail %}<img src="{% url 'evidence:thumbnail' r.pk %}" alt="" class="evidence-thumb rounded" loading="lazy">
        {% else %}<span class="evidence-icon rounded">{% include "evidence/_icon.html" with e=e %}</span>{% endif %}
        {% endwith %}
        <span class="flex-grow-1">
          <span class="d-block">{{ e.title }}</span>
          <span class="small text-secondary d-flex flex-wrap gap-2">
            <span>{{ e.get_kind_display }}</span>
            {% if e.issued_on %}<span>{{ e.issued_on|date:"Y-m-d" }}</span>{% endif %}
            <span class="badge review-{{ e.review_status }}">{{ e.get_review_status_display }}</span>
            {% if e.is_hidden %}<span class="badge text-bg-secondary">{% translate "deleted by the unit" %}</span>{% endif %}
            {% if e.origin_id %}<span class="badge text-bg-light border" title="{% translate 'linked, no new upload' %}">{% translate "linked" %}</span>{% endif %}
          </span>
        </span>
      </a>
    </li>
  {% empty %}
    <li class="list-group-item small text-secondary">{% translate "No evidence yet." %}</li>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_share_evidence_rows_write_what_the_template_wrote(language):
    from django.utils import timezone

    from evidence.models import Evidence, EvidenceRevision

    revisions = [
        EvidenceRevision(id=uuid.uuid4(), thumbnail="thumbs/a.jpg", original_name="a.jpg", content_type="image/jpeg"),
        EvidenceRevision(id=uuid.uuid4(), original_name="表<1>.et", content_type="application/vnd.ms-excel"),
        EvidenceRevision(id=uuid.uuid4(), url="https://example.org/?a=1&b=2"),
        None,
    ]
    pieces = [
        Evidence(id=uuid.uuid4(), title=HOSTILE, kind=Evidence.Kind.IMAGE, current_revision=revisions[0],
                 review_status="accepted", issued_on=datetime.date(2026, 3, 9)),
        Evidence(id=uuid.uuid4(), title="表", kind=Evidence.Kind.DATA, current_revision=revisions[1],
                 review_status="returned", hidden_at=timezone.now(), origin_id=uuid.uuid4()),
        Evidence(id=uuid.uuid4(), title="链接", kind=Evidence.Kind.NEWS_LINK, current_revision=revisions[2]),
        Evidence(id=uuid.uuid4(), title="无修订", kind=Evidence.Kind.SUMMARY, review_status="<b>"),
    ]  # fmt: skip
    with translation.override(language):
        expected = Template(SHARE_EVIDENCE).render(Context({"pieces": pieces}))
        written = Template("{% load evidence_rows %}{% share_evidence_rows pieces %}").render(
            Context({"pieces": pieces})
        )
    assert _same(written) == _same(expected)
    assert "<script>" not in written and written.count("<li") == len(pieces)


# The tree's rows as format_html wrote them before core.html (the reference for tree_lines).


def _old_line(node, with_deadline, veto, lead):
    indicator = node.indicator
    parts = [format_html('<span class="fw-semibold">{}</span> {}', indicator.code, indicator.title)]
    if indicator.is_veto:
        parts.append(format_html(' <span class="badge text-bg-danger">{}</span>', veto))
    if node.lead is not None:
        more = ""
        if node.cooperating_count:
            n = node.cooperating_count
            more = " " + ngettext("+%(n)s cooperating", "+%(n)s cooperating", n) % {"n": n}
        parts.append(format_html(' <span class="text-secondary">· {}：{}{}</span>', lead, node.lead, more))
    if with_deadline and node.deadline and not node.ongoing:
        parts.append(format_html(' <span class="text-secondary">· {}</span>', node.deadline.isoformat()))
    return format_html_join("", "{}", ((p,) for p in parts))


def _old_tree_lines(level2, campaign=None):
    """The `<li>` of each level-3 indicator under `level2`: code, title, veto, lead and the number
    of cooperating units, and the deadline when the tree shows a campaign's division of work."""
    veto, lead = gettext("veto"), gettext("Lead")
    return format_html_join(
        "\n", "<li>{}</li>", ((_old_line(node, bool(campaign), veto, lead),) for node in level2.children)
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_tree_lines_write_what_format_html_wrote(language):
    from assignments.selectors import TreeNode, UnitName
    from assignments.templatetags.tree_tags import tree_lines
    from indicators.models import Indicator

    level2 = TreeNode(Indicator(code="1.1", title="二级", level=2))
    for n, (veto, lead, coop, deadline, ongoing) in enumerate(
        [
            (True, UnitName(HOSTILE, ""), 3, datetime.date(2026, 5, 1), False),
            (False, UnitName("县司法局", "司法<局>"), 1, datetime.date(2026, 5, 1), True),
            (False, None, 0, None, False),
            (False, UnitName("城关镇", ""), 0, None, False),
        ]
    ):
        node = TreeNode(Indicator(code=f"1.1.{n}<", title=HOSTILE, level=3, is_veto=veto))
        node.lead, node.cooperating_count, node.deadline, node.ongoing = lead, coop, deadline, ongoing
        level2.children.append(node)
    with translation.override(language):
        for campaign in (None, object()):
            assert str(tree_lines(level2, campaign)) == str(_old_tree_lines(level2, campaign))
    assert "<script>" not in str(tree_lines(level2, object()))


AUDIT_ROWS = """{% load i18n %}  {% for e in events %}
    <tr>
      <td class="text-nowrap small">{{ e.at|date:"Y-m-d H:i:s" }}</td>
      <td class="text-nowrap">{% if e.actor_name %}{{ e.actor_name }}{% else %}<span class="text-secondary">{% translate "system" %}</span>{% endif %}</td>
      <td class="text-nowrap">{{ e.verb_label }}</td>
      <td class="small">{{ e.object_repr }}</td>
      <td class="small text-nowrap">{{ e.unit|default:"" }}</td>
      <td class="small">{% for field, old, new in e.change_rows %}<div><span class="text-secondary">{{ field }}{% translate ":" context "label colon" %}</span> {% if old != "" %}{{ old }}{% if new != "" %} → {% endif %}{% endif %}{{ new }}</div>{% endfor %}</td>
      <td class="small text-secondary">{{ e.ip_address|default:"" }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="7" class="text-secondary">{% translate "No events match." %}</td></tr>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_audit_rows_write_what_the_template_wrote(language, world):
    """Events of the trail as audit_label_events leaves them, with hostile actors, objects and
    values, dates and numbers among the changes."""
    from django.utils import timezone

    from core.audit import audit_label_events
    from core.models import AuditEvent

    at = timezone.now()
    events = [
        AuditEvent(at=at, actor_name=HOSTILE, verb="updated", object_type="assignments.assignment",
                   object_repr=HOSTILE, unit=world.unit_a, ip_address="10.0.0.1",
                   before={"deadline": "2026-05-01", "status": "not_started", "note": HOSTILE},
                   after={"deadline": "2026-06-01", "status": "submitted", "note": ""}),
        AuditEvent(at=at, actor_name="", verb="login_failed", object_type="core.user", object_repr="x",
                   before={}, after={"count": 3, "when": "", "ok": True}),
        AuditEvent(at=at, actor_name="张三", verb="no_such_verb<b>", object_type="campaign.unit", object_repr="单位",
                   before={"name": ""}, after={"name": "新<名>"}),
    ]  # fmt: skip
    events = audit_label_events(events)
    with translation.override(language):
        expected = Template(AUDIT_ROWS).render(Context({"events": events}))
        written = Template("{% load audit_tags %}{% audit_rows events %}").render(Context({"events": events}))
    assert _same(written) == _same(expected)
    assert "<script>" not in written and written.count("<tr>") == len(events)
