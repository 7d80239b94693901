"""The depth scanner agrees with the documents' real nesting, whatever their strings hold."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from server.transport import safe_json

from .strategies import fuzz_settings

TEXT = st.text(st.sampled_from('[]{}"\\ab,:中\n'), max_size=8)
DOCUMENTS = st.recursive(st.one_of(st.none(), st.integers(), TEXT),
                         lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                 st.dictionaries(TEXT, inner, max_size=3)), max_leaves=60)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@fuzz_settings(500)
@given(DOCUMENTS, st.integers(0, 8))
def test_the_scanner_measures_the_real_depth(document, limit):
    text = json.dumps(document, ensure_ascii=False)
    assert safe_json.depth_exceeds(text, limit) == (depth(document) > limit)
    if depth(document) <= safe_json.MAX_DEPTH:
        assert safe_json.loads(text) == document
