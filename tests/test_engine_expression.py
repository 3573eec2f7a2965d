"""The expression parser: whitelisted math builds graphs; anything else is refused, pointed at, never run."""

from __future__ import annotations

import math

import pytest

from autograd import Expression, Value, evaluate, parse, topological_order


def caret_target(message: str) -> str:
    """The text the error's caret line underlines (the two lines before it show the source)."""
    lines = message.splitlines()
    source, carets = lines[-2], lines[-1]
    start = carets.index("^")
    return source[start:start + carets.count("^")]


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("cos(sin(x**2) + 3*x**2)", {"x": 2.0}, math.cos(math.sin(4.0) + 12.0)),
        ("x * y + 1", {"x": 2, "y": 3}, 7.0),
        ("-x ** 2", {"x": 3}, -9.0),
        ("2 ** -x", {"x": 1}, 0.5),
        ("+x / 4 - 1", {"x": 2}, -0.5),
        ("leaky_relu(x, 0.5) + elu(x) + abs(x)", {"x": -2}, -1.0 + math.expm1(-2) + 2.0),
        ("sigmoid(0) + tanh(0) + erf(0) + gelu(0) + silu(0) + softplus(0)", {}, 0.5 + math.log(2)),
        ("2 * pi * r", {"r": 0.5}, math.pi),
        ("log(e) + sqrt(x) + exp(0) + tan(0) + relu(x) + sign(-x)", {"x": 4}, 1 + 2 + 1 + 0 + 4 - 1),
    ],
)
def test_valid_expressions_evaluate_like_python_math(source: str, values: dict, expected: float) -> None:
    assert evaluate(source, **values).data == pytest.approx(expected, rel=1e-15)


def test_a_variable_used_twice_is_one_leaf_whose_gradient_sums_both_uses() -> None:
    y = evaluate("x * x + 3 * x", x=2.0)
    leaves = [v for v in topological_order(y) if v.is_leaf and v.label == "x"]
    assert len(leaves) == 1
    y.backward()
    assert leaves[0].grad == 7.0


def test_evaluate_uses_a_given_value_itself_so_gradients_reach_it() -> None:
    w = Value(0.5, label="w")
    evaluate("w * sin(w)", w=w).backward()
    assert w.grad == pytest.approx(math.sin(0.5) + 0.5 * math.cos(0.5), rel=1e-15)


def test_parse_lists_variables_sorted_without_functions_or_constants() -> None:
    e = parse("  b * exp(a) + pi * a - e  ")
    assert isinstance(e, Expression)
    assert e.variables == ("a", "b")
    assert e.source == "b * exp(a) + pi * a - e"


def test_an_expression_can_be_evaluated_many_times() -> None:
    e = parse("x ** 3")
    assert [e.evaluate(x=t).data for t in (1, 2, 3)] == [1.0, 8.0, 27.0]


def test_missing_and_extra_variables_are_named() -> None:
    with pytest.raises(ValueError, match="no value given for variable.*y"):
        evaluate("x + y", x=1)
    with pytest.raises(ValueError, match="z not used"):
        evaluate("x", x=1, z=2)


@pytest.mark.parametrize(
    ("source", "offending", "words"),
    [
        ("x.real + 1", "x.real", "Attribute"),
        ("(1).__class__", "(1).__class__", "Attribute"),
        ("x[0] * 2", "x[0]", "Subscript"),
        ("(lambda: 1)()", "lambda: 1", "plain function calls"),
        ("lambda: 1", "lambda: 1", "Lambda"),
        ("sum([i for i in x])", "sum", "unknown function"),
        ("[i for i in x]", "[i for i in x]", "ListComp"),
        ("x + 'a'", "'a'", "only numbers"),
        ("sin(x=1)", "1", "keyword"),
        ("foo(x) + 1", "foo", "unknown function 'foo'"),
        ("__import__('os').system('ls')", "__import__('os').system", "plain function calls"),
        ("__import__('os')", "__import__", "unknown function '__import__'"),
        ("y + __builtins__", "__builtins__", "not allowed"),
        ("x if x else 1", "x if x else 1", "IfExp"),
        ("x < 1", "x < 1", "Compare"),
        ("not x", "not x", "Not"),
        ("x @ x", "x @ x", "MatMult"),
        ("x // 2", "x // 2", "FloorDiv"),
        ("True + x", "True", "only numbers"),
        ("1j * x", "1j", "only numbers"),
        ("sin(*x)", "*x", "Starred"),
        ("sin", "sin", "is a function"),
        ("sin(x, x)", "sin(x, x)", "1 argument"),
        ("1e999 * x", "1e999", "too large"),
        ("(x := 2)", "x := 2", "NamedExpr"),
        ('f"{x}"', 'f"{x}"', "JoinedStr"),
    ],
)
def test_disallowed_constructs_are_value_errors_with_a_caret_under_the_offending_text(
    source: str, offending: str, words: str
) -> None:
    with pytest.raises(ValueError, match=words) as caught:
        parse(source)
    assert caret_target(str(caught.value)) == offending


@pytest.mark.parametrize("source", ["x +", "x = 1", "import os", "x; y", "$"])
def test_syntax_errors_are_value_errors_with_a_caret(source: str) -> None:
    with pytest.raises(ValueError, match="not a valid expression") as caught:
        parse(source)
    assert caught.value.args[0].splitlines()[-1].strip() == "^"


@pytest.mark.parametrize("source", ["", "   ", "x" * 10_001, "x+" * 5000 + "x", "-" * 5000 + "x", "2**" * 3000 + "x"])
def test_empty_huge_and_too_deeply_nested_input_is_a_value_error(source: str) -> None:
    with pytest.raises(ValueError):
        parse(source)


def test_a_long_but_legal_expression_builds_without_recursion() -> None:
    depth = 1990
    y = evaluate("-" * depth + "x", x=2.0)
    assert y.data == 2.0
    y.backward()
    assert _leaf(y).grad == 1.0


def test_parse_rejects_a_non_string() -> None:
    with pytest.raises(TypeError, match="str"):
        parse(42)


def test_names_are_only_variables_nothing_is_looked_up_or_run() -> None:
    e = parse("os + open + exit")
    assert e.variables == ("exit", "open", "os")
    with pytest.raises(ValueError, match="no value given"):
        e.evaluate()
    assert e.evaluate(os=1, open=2, exit=3).data == 6.0


@pytest.mark.parametrize(
    ("source", "values", "error", "offending"),
    [
        ("1 + log(x)", {"x": 0}, ValueError, "log(x)"),
        ("x / (y - 1)", {"x": 1, "y": 1}, ZeroDivisionError, "x / (y - 1)"),
        ("(-8) ** 0.5 + x", {"x": 1}, ValueError, "(-8) ** 0.5"),
        ("10 ** 400 * x", {"x": 1}, OverflowError, "10 ** 400"),
        ("exp(x) + 1", {"x": 1000}, OverflowError, "exp(x)"),
    ],
)
def test_math_errors_while_building_keep_their_type_and_point_at_the_operation(source, values, error, offending) -> None:
    with pytest.raises(error) as caught:
        evaluate(source, **values)
    assert caret_target(str(caught.value)) == offending


def test_constant_arithmetic_uses_the_engines_checks_not_pythons() -> None:
    assert evaluate("(-8) ** 3").data == -512.0
    with pytest.raises(ZeroDivisionError, match="div"):
        evaluate("1 / 0")


def _leaf(root: Value) -> Value:
    (leaf,) = [v for v in topological_order(root) if v.is_leaf]
    return leaf


def test_a_multi_line_expression_is_read_as_one_line_so_the_caret_still_points_right() -> None:
    with pytest.raises(ValueError) as caught:
        parse("(x +\r\n  y.z)")
    assert caret_target(str(caught.value)) == "y.z"
    assert evaluate("(x +\n y)", x=1, y=2).data == 3.0


def test_a_comment_is_refused_with_a_caret_instead_of_hiding_the_rest() -> None:
    with pytest.raises(ValueError, match="comments") as caught:
        parse("x # note\n + 5")
    assert caret_target(str(caught.value)) == "#"
    assert evaluate("x\n + 5", x=2).data == 7.0  # without the comment the lines join


@pytest.mark.parametrize(("source", "char"), [("ℯ", "ℯ"), ("ｘ + 1", "ｘ"), ("2 * ᵢ", "ᵢ"), ("x１", "１")])
def test_non_ascii_names_are_refused_naming_the_character(source: str, char: str) -> None:
    with pytest.raises(ValueError, match=f"found '{char}' \\(U\\+{ord(char):04X}\\)") as caught:
        parse(source)
    assert caret_target(str(caught.value)) == char


def test_the_constant_e_is_still_e_and_ascii_names_still_work() -> None:
    assert evaluate("e + ex", ex=1).data == math.e + 1
