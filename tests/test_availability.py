"""Composite availability (tutor.capstone.availability) against hand-worked cases, and the
`tutor whatif availability` command's contract: JSON keys, exit 0 whenever it reports, exit 2
with the column of the error."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from conftest import run_tutor
from tutor.capstone.availability import (ExpressionError, compose, evaluate, parallel, parse, part,
                                         series, sla_table)


def test_two_995_in_parallel_is_999975():
    # 1 - 0.005 * 0.005 = 0.999975
    result = evaluate("parallel(99.5, 99.5)")
    assert result.fraction == Fraction("0.999975")
    assert result.percent == 99.9975
    assert result.meets_target


def test_series_multiplies():
    # 0.999 * 0.9999 = 0.9989001
    assert evaluate("series(99.9, 99.99)").fraction == Fraction("0.9989001")
    assert evaluate("series(99.9, 99.99, 100)").fraction == Fraction("0.9989001")


def test_nesting_by_hand():
    # parallel(99.5, 99.5) = 0.999975; times 0.9999 = 0.9998750025
    result = evaluate("series(99.99, parallel(99.5, 99.5))")
    assert result.fraction == Fraction("0.9998750025")
    assert not result.meets_target
    # parallel of two series: 1 - (1 - 0.99*0.99)^2 = 1 - 0.0199^2 = 0.99960399
    assert evaluate("parallel(series(99, 99), series(99, 99))").fraction == Fraction("0.99960399")


def test_service_names_come_from_the_sla_table():
    result = evaluate("series(cloudfront, alb, parallel(ec2, ec2), rds-multi-az)")
    expected = Fraction("0.999") * Fraction("0.9999") * Fraction("0.999975") * Fraction("0.9995")
    assert result.fraction == expected
    assert {c["name"] for c in result.to_json()["components"]} == {"cloudfront", "alb", "ec2", "rds-multi-az"}


def test_names_are_case_insensitive_and_aliases_work():
    assert evaluate("SERIES(EC2-Region)").fraction == evaluate("ec2-multi-az").fraction


def test_meets_9999_is_decided_on_the_exact_value():
    assert evaluate("99.99").meets_target
    assert not evaluate("99.98999999").meets_target


def test_downtime_minutes_per_year():
    assert evaluate("99.99").downtime_minutes_per_year == pytest.approx(52.56)
    assert evaluate("100").downtime_minutes_per_year == 0


def test_builders_match_the_parser():
    built = series(part("cloudfront"), parallel(part("ec2"), part("ec2")))
    assert compose(built).fraction == evaluate("series(cloudfront, parallel(ec2, ec2))").fraction
    assert built.expr() == "series(cloudfront, parallel(ec2, ec2))"


@pytest.mark.parametrize("expr, column, words", [
    ("series(ec2, foo)", 13, "unknown service 'foo'"),
    ("series(ec2,", 12, "found the end"),
    ("series ec2", 8, "parentheses"),
    ("99.5 99", 6, "after a complete expression"),
    ("series(101)", 8, "between 0"),
    ("series()", 8, "at least one part"),
    ("mean(1, 2)", 1, "unknown function"),
    ("series(ec2; alb)", 11, "unexpected ';"),
    ("", 1, "empty"),
    ("parallel(ec2, ec2", 18, "expected ')'"),
])
def test_errors_name_the_column(expr, column, words):
    with pytest.raises(ExpressionError) as info:
        parse(expr)
    assert info.value.position + 1 == column
    assert f"column {column}" in info.value.message and words in info.value.message
    assert "\n" not in info.value.message


def test_every_sla_row_is_sourced_and_dated():
    for row in set(sla_table().values()):
        assert row.source.startswith("https://aws.amazon.com/") and "sla" in row.source, row.id
        assert len(row.checked) == 10 and row.checked.startswith("20"), row.id
        assert 0 < row.percent <= 100


def test_published_figures_the_lessons_rely_on():
    table = sla_table()
    assert table["ec2"].percent == Fraction("99.5")
    assert table["ec2-multi-az"].percent == Fraction("99.99")
    assert table["rds-multi-az"].percent == Fraction("99.95")
    assert table["dynamodb-global"].percent == Fraction("99.999")


def test_whatif_json_contract():
    done = run_tutor("whatif", "availability", "series(99.99, parallel(99.5, 99.5))", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["availability_percent"] == pytest.approx(99.98750025, abs=1e-9)
    assert data["downtime_minutes_per_year"] == pytest.approx(65.698686)
    assert data["meets_9999"] is False


def test_whatif_reports_with_exit_0_when_the_target_is_met_too():
    done = run_tutor("whatif", "availability", "parallel(ec2, ec2)", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["meets_9999"] is True
    human = run_tutor("whatif", "availability", "parallel(ec2, ec2)", "--lang", "en")
    assert human.returncode == 0 and "99.997500 %" in human.stdout


def test_whatif_bad_expression_is_exit_2_with_the_column():
    done = run_tutor("whatif", "availability", "series(cloudfront, albb)", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "column 20" in done.stderr and "albb" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
