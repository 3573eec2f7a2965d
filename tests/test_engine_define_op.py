"""One ``define_op`` call adds an op everywhere: method, function, parser, CLI, higher-order grads, pictures."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograd
from autograd import Value, define_op, grad, gradcheck, parse, undefine_op
from autograd.ops import OPS

ROOT = Path(__file__).resolve().parent.parent

# The whole definition of atan, as CONTRIBUTING.md shows it: its float forward and its rule.
ATAN_DEFINITION = '''
import math
import autograd

autograd.define_op(
    "atan",
    forward=lambda m, arg, x: math.atan(x),
    vjp=lambda m, g, y, arg, x: (g / (1 + x * x),),
    derivative="∂/∂x = 1/(1 + x²)",
)
'''


@pytest.fixture
def atan():
    namespace: dict = {}
    exec(ATAN_DEFINITION, namespace)  # the test's own constant source, nothing a user passed
    yield OPS["atan"]
    undefine_op("atan")


def test_define_op_makes_a_value_method_with_the_rule_as_its_gradient(atan) -> None:
    x = Value(1.0, label="x")
    y = x.atan()
    assert y.data == math.atan(1.0) and y.op is atan and y.parents == (x,)
    y.backward()
    assert x.grad == 0.5


def test_define_op_makes_an_autograd_function_for_values_and_floats(atan) -> None:
    assert autograd.atan(1.0) == math.atan(1.0)
    assert isinstance(autograd.atan(1.0), float)
    node = autograd.atan(Value(2.0))
    assert node.op is atan and node.data == math.atan(2.0)
    assert "atan" in autograd.__all__
    with pytest.raises(TypeError, match="atan's argument must be a real number"):
        autograd.atan("one")


def test_define_op_makes_a_name_the_parser_accepts(atan) -> None:
    expression = parse("atan(x) * 2")
    assert expression.variables == ("x",)
    assert expression.evaluate(x=1.0).data == 2 * math.atan(1.0)
    with pytest.raises(ValueError, match="atan takes 1 argument, got 2"):
        parse("atan(x, 2)")


def test_second_derivative_of_a_defined_op_matches_its_closed_form(atan) -> None:
    for x0 in (-2.0, 0.3, 1.0, 4.0):
        x = Value(x0)
        (first,) = grad(x.atan(), [x], create_graph=True)
        assert first.data == pytest.approx(1 / (1 + x0 * x0), rel=1e-15)
        assert grad(first, x) == pytest.approx(-2 * x0 / (1 + x0 * x0) ** 2, rel=1e-14)


def test_defined_op_passes_gradcheck_against_finite_differences(atan) -> None:
    report = gradcheck(lambda x, y: (x * y).atan() + x.atan(), [0.7, -1.3])
    assert report.passed, str(report)
    wrong = define_op("atan_wrong", lambda m, arg, x: math.atan(x), lambda m, g, y, arg, x: (g / (1 + x),),
                      derivative="∂/∂x = 1/(1 + x)")
    try:
        assert not gradcheck(lambda x: x.atan_wrong(), [0.7]).passed
    finally:
        undefine_op(wrong.name)


def test_defined_op_is_in_the_table_the_op_coverage_test_reads(atan) -> None:
    assert OPS["atan"] is atan and atan.public
    assert atan.operands == ("x",) and not atan.ordered and not atan.linear
    assert atan.caption(["a"]) == "atan(a)"


def test_draw_and_explain_show_a_defined_op_with_its_rule(atan) -> None:
    viz = pytest.importorskip("viz")
    x = Value(1.0, label="x")
    y = x.atan()
    y.backward()
    assert "1/(1 + x²)" in viz.draw(y).source
    table = str(viz.explain(y))
    assert "atan(x)" in table and "1/(1 + x²)" in table and "0.5" in table


def test_a_rule_given_as_text_is_written_in_the_graphs_own_names(atan) -> None:
    assert atan.derivative == "∂/∂x = 1/(1 + x²)"
    assert atan.derivative_in(["u"], None) == ("1/(1 + u²)",)
    viz = pytest.importorskip("viz")
    u = Value(1.0, label="u")
    y = u.atan()
    y.label = "y"
    assert viz.naming.local_rule(y, 0, {u: "u", y: "y"}) == "∂y/∂u = 1/(1 + u²)"
    assert "∂y/∂u = 1/(1 + u²)" in str(viz.explain(y))


def test_define_op_takes_the_rule_as_a_function_of_operand_names_and_writes_the_text_from_it() -> None:
    op = define_op("atan_named", lambda m, arg, x: math.atan(x), lambda m, g, y, arg, x: (g / (1 + x * x),),
                   derivative_in=lambda names, c: (f"1/(1 + {names[0]}²)",))
    try:
        assert op.derivative == "∂/∂x = 1/(1 + x²)" and op.rule_for(0, 1) == op.derivative
        assert op.local_derivative(0, ["w"]) == "1/(1 + w²)"
        viz = pytest.importorskip("viz")
        w = Value(2.0, label="w")
        y = w.atan_named()
        y.backward()
        assert "1/(1 + w²)" in viz.draw(y).source and "∂a/∂w = 1/(1 + w²)" in str(viz.explain(y))
    finally:
        undefine_op("atan_named")


def test_define_op_needs_the_rules_text_and_a_callable_rule_function() -> None:
    forward, vjp = (lambda m, arg, x: x), (lambda m, g, y, arg, x: (g,))
    with pytest.raises(TypeError, match=r"define_op\('same'\) needs its rule's text: derivative="):
        define_op("same", forward, vjp)
    with pytest.raises(TypeError, match="derivative_in must be callable, got str"):
        define_op("same", forward, vjp, derivative_in="∂/∂x = 1")
    with pytest.raises(ValueError, match=r"derivative_in of 'same' must return a tuple of 1 str .*got 'x'"):
        define_op("same", forward, vjp, derivative_in=lambda names, c: names[0])
    with pytest.raises(ValueError, match=r"derivative_in of 'same' failed on the operand names \('x',\)"):
        define_op("same", forward, vjp, derivative_in=lambda names, c: (names[1],))
    assert "same" not in OPS


def test_a_rule_text_with_a_superscript_x_reads_e_to_the_operand() -> None:
    op = define_op("twice_exp", lambda m, arg, x: 2 * m.exp(x), lambda m, g, y, arg, x: (g * y,),
                   derivative="∂/∂x = 2eˣ")
    try:
        assert op.rule_for(0, 1) == op.derivative == "∂/∂x = 2eˣ"
        assert op.local_derivative(0, ["u"]) == "2e^u" and op.local_derivative(0, ["x"]) == "2eˣ"
    finally:
        undefine_op("twice_exp")


def test_cli_evaluates_and_explains_a_defined_op(atan, tmp_path: Path) -> None:
    (tmp_path / "my_ops.py").write_text(textwrap.dedent(ATAN_DEFINITION), encoding="utf-8")
    # ``python -m viz`` after importing the module that defines the op (as a user's script would).
    run_viz = "import my_ops, runpy; runpy.run_module('viz', run_name='__main__', alter_sys=True)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", run_viz, "atan(x)", "x=1", "--explain"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "atan(x)" in done.stdout and "1/(1 + x²)" in done.stdout and "0.5" in done.stdout


def test_undefine_op_removes_every_surface(atan) -> None:
    undefine_op("atan")
    try:
        assert "atan" not in OPS and not hasattr(Value, "atan") and not hasattr(autograd, "atan")
        assert "atan" not in autograd.__all__
        with pytest.raises(ValueError, match="unknown function 'atan'"):
            parse("atan(x)")
    finally:
        exec(ATAN_DEFINITION, {})  # the fixture removes it again


def test_built_in_ops_cannot_be_undefined() -> None:
    with pytest.raises(ValueError, match="'exp' is a built-in op"):
        undefine_op("exp")


@pytest.mark.parametrize(("name", "message"), [
    ("exp", "already exists"), ("backward", "clashes with Value.backward"), ("parse", "clashes with autograd.parse"),
    ("_hidden", "ASCII identifier"), ("atän", "ASCII identifier"), ("power", "clashes"),
])
def test_define_op_refuses_names_that_clash_and_leaves_nothing_behind(name: str, message: str) -> None:
    before = (dict(OPS), set(vars(Value)), set(vars(autograd)))
    with pytest.raises(ValueError, match=message):
        define_op(name, lambda m, arg, x: x, lambda m, g, y, arg, x: (g,), derivative="∂/∂x = 1")
    assert (dict(OPS), set(vars(Value)), set(vars(autograd))) == before


def test_define_op_with_a_parameter_takes_it_as_method_function_and_parser_argument() -> None:
    op = define_op("scaled_sin", lambda m, arg, x: arg * m.sin(x), lambda m, g, y, arg, x: (g * arg * m.cos(x),),
                   derivative="∂/∂x = k·cos x", parameter=("k", 2.0))
    try:
        assert Value(1.0).scaled_sin().data == 2 * math.sin(1.0)
        assert Value(1.0).scaled_sin(k=3).data == autograd.scaled_sin(1.0, 3) == 3 * math.sin(1.0)
        assert parse("scaled_sin(x, 0.5)").evaluate(x=1.0).data == 0.5 * math.sin(1.0)
        x = Value(0.5)
        (d,) = grad(x.scaled_sin(3.0), [x], create_graph=True)
        assert grad(d, x) == pytest.approx(-3 * math.sin(0.5), rel=1e-15)
        assert op.caption(["a"], 3.0) == "scaled_sin(a, 3)"
        # The parameter's name in the text is its value at a node: k·cos x at k = 3 reads 3·cos a.
        assert op.local_derivative(0, ["a"], 3.0) == "3·cos a" and op.rule_for(0, 1) == "∂/∂x = k·cos x"
        with pytest.raises(TypeError, match="scaled_sin k must be a real number"):
            Value(1.0).scaled_sin("big")
    finally:
        undefine_op("scaled_sin")


def test_define_op_binary_is_a_method_a_function_and_a_two_argument_parser_name() -> None:
    define_op("hypot", lambda m, arg, a, b: math.hypot(a, b),
              lambda m, g, y, arg, a, b: (g * a / y, g * b / y), derivative="∂/∂a = a/y, ∂/∂b = b/y", arity=2)
    try:
        a, b = Value(3.0), Value(4.0)
        y = a.hypot(b)
        y.backward()
        assert (y.data, a.grad, b.grad) == (5.0, 0.6, 0.8)
        assert autograd.hypot(3, 4) == 5.0 and autograd.hypot(a, 4).data == 5.0
        assert parse("hypot(x, 4)").evaluate(x=3).data == 5.0
        assert OPS["hypot"].ordered and OPS["hypot"].operands == ("a", "b")
    finally:
        undefine_op("hypot")


def test_every_built_in_function_has_all_three_surfaces() -> None:
    for op in OPS.values():
        if op.public:
            assert callable(getattr(Value, op.name)) and callable(getattr(autograd, op.name)), op.name
            assert op.name in autograd.expression.functions(), op.name
