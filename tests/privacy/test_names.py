"""``privacy.names.find_names``: the run's department and site names are never people's names,
however they are written. Expected spans worked out by hand."""

import pytest

from districtsurvey.privacy.names import find_names


@pytest.mark.parametrize(
    "text",
    [
        "Thanks to Stella Elementary staff",
        "thanks to stella elementary staff",
        "Thanks to ſtella Elementary staff",  # the long s: matched as "s" when case is ignored
        "Thanks to Stella Elementary staff, Zoë",  # other non-ASCII text: searched whole
    ],
)
def test_a_protected_phrase_is_no_name_in_any_case(text):
    """ "Stella" is a first name, but "Stella Elementary" is a school of the run."""
    assert find_names(text) != []  # without the phrase, Stella is a name
    spans = find_names(text, keep=["Stella Elementary"])
    assert all("tella" not in text[a:b] for a, b in spans)


def test_only_the_protected_phrase_is_kept():
    text = "Stella Okafor at Stella Elementary"
    spans = find_names(text, keep=["Stella Elementary"])
    assert [text[a:b] for a, b in spans] == ["Stella Okafor"]
