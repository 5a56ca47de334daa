"""rules/_documents.py: a JSON document held in a string input, or passed as an object."""

import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.rules._documents import MalformedDocument, load_document


def test_an_unknown_document_stays_unknown():
    assert load_document(UNKNOWN) is UNKNOWN


@pytest.mark.parametrize("value", [None, "", " \n "])
def test_an_absent_or_blank_document_is_none(value):
    assert load_document(value) is None


def test_json_text_is_parsed():
    assert load_document('{"Version": "2012-10-17", "Statement": []}') == {"Version": "2012-10-17", "Statement": []}
    assert load_document("[1, 2]") == [1, 2]


@pytest.mark.parametrize("value", [{"Statement": []}, [{"AllowFromPublic": False}], {}, []])
def test_an_object_or_list_is_taken_as_written(value):
    assert load_document(value) is value


@pytest.mark.parametrize("text, message", [
    ("{", "is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
    ('{"a": 1}\n{', "is not valid JSON (Extra data at line 2, column 1)"),
])
def test_text_that_is_not_json_says_where(text, message):
    with pytest.raises(MalformedDocument) as raised:
        load_document(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("value, message", [(5, "is a int, not a JSON document"),
                                            (True, "is a bool, not a JSON document")])
def test_a_scalar_is_not_a_document(value, message):
    with pytest.raises(MalformedDocument) as raised:
        load_document(value)
    assert str(raised.value) == message
