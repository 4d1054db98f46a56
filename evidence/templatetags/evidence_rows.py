"""Lists of evidence written in Python: the review queue's thirty pieces (a form with its CSRF
token, an include, naturaltime, a translation and four URLs each) and a share's pieces (about a
millisecond each through the template: 13 of a share page's 21 ms at 20x) were most of their
pages' rendering (profiled). Same markup and escaping (tests/core/test_html_rows.py compares
each with the template it replaced)."""

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.utils.translation import gettext

from core.html import choice_labels, e, escaped, markup, url_for_each

from ..models import Evidence

register = template.Library()

K = Evidence.Kind


@register.simple_tag(takes_context=True)
def queue_rows(context, pieces):
    """One list item per piece waiting: its box to tick, thumbnail or type, title, indicator,
    unit, kind, age, and its accept and open buttons."""
    request = context["request"]
    text = escaped(
        tick=gettext("Tick"),
        accept=gettext("Accept"),
        open=gettext("Open"),
        link=gettext("Link"),
        summary=gettext("Text"),
        file=gettext("File"),
    )
    uploaded = gettext("uploaded %(t)s")  # translators' text, as blocktranslate leaves it
    kinds = choice_labels(K.choices)
    csrf = e(get_token(request))
    query = e(request.GET.urlencode())
    query_param = e(urlencode(request.GET.urlencode()))
    detail, review, thumbnail = (url_for_each(n) for n in ("evidence:detail", "evidence:review", "evidence:thumbnail"))
    out = []
    for p in pieces:
        picture = _picture(p, thumbnail, text)
        url = e(detail(p.pk))
        out.append(
            '<div class="list-group-item"><div class="d-flex gap-2">'
            f'<input class="form-check-input mt-2 flex-shrink-0" type="checkbox" name="ids" value="{e(p.pk)}" '
            f'form="bulk" aria-label="{text["tick"]} {e(p.title)}">'
            f"{picture}"
            f'<div class="flex-grow-1"><a href="{url}" class="fw-semibold">{e(p.title)}</a>'
            '<div class="small text-secondary d-flex flex-wrap gap-2">'
            f"<span>{e(p.assignment.indicator.code)}</span><span>{e(p.assignment.unit)}</span>"
            f"<span>{kinds.get(p.kind) or e(p.kind)}</span>"
            f"<span>{uploaded % {'t': e(naturaltime(p.created_at))}}</span></div></div>"
            f'<form method="post" action="{e(review(p.pk))}" class="text-nowrap">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
            f'<input type="hidden" name="from" value="queue"><input type="hidden" name="queue" value="{query}">'
            '<button class="btn btn-sm btn-outline-success" type="submit" name="decision" value="accepted">'
            f"{text['accept']}</button>"
            f' <a class="btn btn-sm btn-outline-secondary" href="{url}?queue={query_param}">{text["open"]}</a>'
            "</form></div></div>"
        )
    return markup(out)


@register.simple_tag
def share_evidence_rows(pieces):
    """One list item per piece of a share (evidence/_list.html): thumbnail or type, title,
    kind, date, review status, and whether it is deleted or linked."""
    text = escaped(
        link=gettext("Link"),
        summary=gettext("Text"),
        file=gettext("File"),
        deleted=gettext("deleted by the unit"),
        linked=gettext("linked"),
        linked_title=gettext("linked, no new upload"),
    )
    kinds = choice_labels(K.choices)
    statuses = choice_labels(Evidence.Review.choices)
    detail, thumbnail = url_for_each("evidence:detail"), url_for_each("evidence:thumbnail")
    out = []
    for p in pieces:
        picture = _picture(p, thumbnail, text)
        issued = f"<span>{p.issued_on:%Y-%m-%d}</span>" if p.issued_on else ""
        deleted = f'<span class="badge text-bg-secondary">{text["deleted"]}</span>' if p.is_hidden else ""
        linked = (
            f'<span class="badge text-bg-light border" title="{text["linked_title"]}">{text["linked"]}</span>'
            if p.origin_id
            else ""
        )
        out.append(
            f'<li class="list-group-item{" bg-body-secondary" if p.is_hidden else ""}">'
            f'<a class="d-flex gap-2 text-decoration-none text-body" href="{e(detail(p.pk))}">{picture}'
            f'<span class="flex-grow-1"><span class="d-block">{e(p.title)}</span>'
            '<span class="small text-secondary d-flex flex-wrap gap-2">'
            f"<span>{kinds.get(p.kind) or e(p.kind)}</span>{issued}"
            f'<span class="badge review-{e(p.review_status)}">{statuses.get(p.review_status) or e(p.review_status)}</span>'
            f"{deleted}{linked}</span></span></a></li>"
        )
    return markup(out)


def _picture(piece, thumbnail, text):
    """The piece's thumbnail, or the icon of its type (a link, a text, a file)."""
    r = piece.current_revision
    if r is not None and r.thumbnail:
        return f'<img src="{e(thumbnail(r.pk))}" alt="" class="evidence-thumb rounded" loading="lazy">'
    return f'<span class="evidence-icon rounded">{_icon(piece, r, text)}</span>'


def _icon(piece, revision, text):
    """evidence/_icon.html: a link, a text, or the file's type."""
    if piece.kind == K.NEWS_LINK:
        return text["link"]
    if piece.kind == K.SUMMARY:
        return text["summary"]
    if revision is not None and revision.original_name:
        return e(revision.type_label)
    return text["file"]
