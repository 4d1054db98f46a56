"""Property-based tests for the numbering and deadline parsers."""

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from core.tables import cn_to_int, parse_deadline, split_numbering

CN = "零一二三四五六七八九"


def to_chinese(n):
    """1..199 written the way tables number sections (十一, 二十, 一百零五...)."""
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return CN[tens] + "十" + (CN[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return CN[hundreds] + "百"
    if rest < 10:
        return CN[hundreds] + "百零" + CN[rest]
    tail = to_chinese(rest)
    return CN[hundreds] + "百" + ("一" + tail if rest < 20 else tail)


titles = st.text(alphabet="政府职能依法全面履行加大简政放权力度监管服务", min_size=1, max_size=30)


@given(st.integers(min_value=1, max_value=199))
def test_chinese_numerals_round_trip(n):
    assert cn_to_int(to_chinese(n)) == n


@given(
    st.integers(min_value=1, max_value=199),
    titles,
    st.sampled_from(["{cn}、", "（{cn}）", "({cn})", "{d}.", "{d}．", "{d}、", "（{d}）", "{d} "]),
)
def test_numbering_is_split_from_the_title(n, title, style):
    prefix = style.format(cn=to_chinese(n), d=n)
    number, rest = split_numbering(prefix + title)
    assert (number, rest) == (n, title)


@given(titles)
def test_text_without_numbering_is_left_alone(title):
    assert split_numbering(title) == (None, title)


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(
        ["{y}-{m:02d}-{d:02d}", "{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}年{m}月{d}日前"]
    ),
)
def test_written_dates_parse_to_the_same_day(day, style):
    text = style.format(y=day.year, m=day.month, d=day.day)
    assert parse_deadline(text) == (day, False)


@given(
    st.integers(min_value=2000, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["{y}年{m}月底前", "{y}年{m}月底", "{y}年{m}月前", "{y}年{m}月"]),
)
def test_month_deadlines_are_the_last_day_of_the_month(year, month, style):
    last = calendar.monthrange(year, month)[1]
    assert parse_deadline(style.format(y=year, m=month)) == (datetime.date(year, month, last), False)


@given(st.sampled_from(["长期坚持", "持续推进", " 长期坚持 ", "", None]))
def test_ongoing_words_and_blank_mean_ongoing(text):
    assert parse_deadline(text) == (None, True)


@given(st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2099, 1, 1)))
def test_excel_date_cells_are_taken_as_they_are(value):
    assert parse_deadline(value) == (value.date(), False)
