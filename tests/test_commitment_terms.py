"""A commitment's terms are written once (rules.model.COMMITMENT_TERMS); every layer derives its list."""

import pytest
from django import forms as django_forms

from exercises import forms, scoring
from exercises.models import SUMMARY_TERMS, Commitment, commitment_summary
from exercises.reports import export, tables
from exercises.rules import cli
from exercises.rules.model import COMMITMENT_TERMS, FIELD_LABELS, TEXT_FIELDS
from exercises.scenarios import validation


def test_every_layer_reads_the_same_terms():
    columns = {f.name for f in Commitment._meta.get_fields()}
    assert set(COMMITMENT_TERMS) <= columns
    assert set(FIELD_LABELS) == set(COMMITMENT_TERMS)
    assert set(forms.CommitmentForm.base_fields) == {*COMMITMENT_TERMS, "filled_kind"}
    assert set(COMMITMENT_TERMS) <= set(export.COMMITMENT_FIELDS)
    assert set(COMMITMENT_TERMS) <= set(tables.COMMITMENT_COLUMNS)
    assert {"id", "value", *COMMITMENT_TERMS} == cli.COMMITMENT_FIELDS
    assert set(validation.FIELD_KEYS) == set(TEXT_FIELDS) - {"text"}
    engine = scoring.engine_commitment({"position": 1, "by": "USA", **{name: "x" for name in TEXT_FIELDS}})
    assert all(getattr(engine, name) == "x" for name in TEXT_FIELDS)


class _Reading:
    """A row that notes which terms commitment_summary reads."""

    def __init__(self, **terms):
        self.terms, self.read = terms, set()

    def __getattr__(self, name):
        self.read.add(name)
        return self.terms.get(name, "")


def test_the_one_line_summary_reads_the_terms_it_names():
    """The console loads SUMMARY_TERMS as value rows; a term the summary reads but the
    query leaves out would fail only there."""
    assert set(SUMMARY_TERMS) <= set(COMMITMENT_TERMS)
    assert len(set(SUMMARY_TERMS)) == len(SUMMARY_TERMS)
    read = set()
    for terms in ({"by": "USA"}, {name: "x" for name in COMMITMENT_TERMS}):
        row = _Reading(**terms)
        commitment_summary(row)
        read |= row.read
    assert read == set(SUMMARY_TERMS)


@pytest.mark.parametrize(
    ("raw", "strict", "expected"),
    [
        ("2", True, [2]),
        ("3, 2 3", True, [2, 3]),
        ("", True, []),
        ("3, 9, two", False, [3]),
    ],
)
def test_only_if_reads_commitment_numbers(raw, strict, expected):
    assert forms.only_if(raw, position=1, count=3, strict=strict) == expected


def test_only_if_lenient_keeps_what_can_be_a_link():
    assert forms.only_if("1, 2, 9, x", position=1, count=3, strict=False) == [2]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1", "cannot be conditional on itself"),
        ("4", "There is no commitment no. 4"),
        ("two", "List commitment numbers"),
    ],
)
def test_only_if_strict_says_what_is_wrong(raw, message):
    with pytest.raises(django_forms.ValidationError, match=message):
        forms.only_if(raw, position=1, count=3)


def test_a_counter_starts_from_the_parents_links():
    assert forms.only_if_text([1, 3]) == "1, 3"
    assert forms.only_if(forms.only_if_text([1, 3]), position=2, count=3) == [1, 3]
