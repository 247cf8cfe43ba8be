"""clean_line never lets a line break or control character through, whatever it is given."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from leads.cleaning import clean_line


@given(st.text(max_size=400), st.integers(min_value=1, max_value=200))
def test_clean_line_is_one_short_visible_line(text, max_length):
    cleaned = clean_line(text, max_length=max_length)
    assert len(cleaned) <= max_length
    assert cleaned == cleaned.strip()
    assert len(cleaned.splitlines()) <= 1
    assert "  " not in cleaned
    for char in cleaned:
        assert unicodedata.category(char) not in {"Cc", "Zl", "Zp", "Cs", "Co", "Cn"}


@given(st.text(max_size=200))
def test_clean_line_is_idempotent(text):
    once = clean_line(text, max_length=100)
    assert clean_line(once, max_length=100) == once
