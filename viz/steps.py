"""``backward_steps``: the reverse pass as a flip-book, one ``Step`` (caption, gradients, picture) per node it processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, Mapping, Sequence

from autograd import Value, local_gradients, reverse_sweep

from .cards import GradOverlay
from .graph import draw
from .naming import formula, local_rule, named_graph
from .renderer import Graph
from .style import check_precision, check_title, escape, format_number

# Each of these draws its own highlight or colours, which would fight the step's own.
_REFUSED = ("highlight", "path", "heatmap")
_MAX_LINES = 8  # a wide sum or dot product: the picture lists this many contributions, then "… n more"


class Pass:
    """One reverse pass, shared by its Steps: the graph, its short names and the drawing options.

    Steps keep only what changes at them; a step's full gradients and its picture are rebuilt from
    here on demand, so the steps of a big graph cost memory linear in its size.
    """

    def __init__(self, output: Value, draw_options: dict[str, Any]) -> None:
        self.order, self.names = named_graph(output, "backward_steps")
        # Their defaults (None, False) are harmless; anything else would be silently overridden.
        refused = [name for name in _REFUSED if draw_options.pop(name, None) not in (None, False)]
        if refused:
            raise TypeError(f"backward_steps highlights each step itself and does not take {', '.join(refused)}")
        self.precision = check_precision(draw_options.get("precision", 4))
        self.title = draw_options.pop("title", None)
        check_title(self.title)
        self.output = output
        self.options = draw_options
        # Unlabelled inner nodes get their caption letters on the cards, so "b = sin(a)" can be found.
        self.titles = {v: name for v, name in self.names.items() if not v.label and not v.is_leaf}
        self.steps: list[Step] = []

    def grads_after(self, index: int) -> dict[Value, float]:
        """Every gradient known once step ``index`` is done."""
        grads: dict[Value, float] = {}
        for step in self.steps[: index + 1]:
            grads.update(step.sent)
        return grads

    def picture(self, step: Step) -> Graph:
        """The drawing of one step, its caption above the graph."""
        grads = self.grads_after(step.index)
        fresh = frozenset(v for v, _ in step.sent) if step.index else frozenset([self.output])
        active = step.node if step.index else None
        overlay = GradOverlay(grads, fresh, active, self.titles)
        graph = draw(self.output, highlight=step.node, _overlay=overlay, **self.options)
        phrases = list(step.phrases)
        if len(phrases) > _MAX_LINES:
            phrases[_MAX_LINES - 1:] = [f"… and {len(phrases) - _MAX_LINES + 1} more"]
        lines = [f"<B>{escape(self.title)}</B>"] if self.title else []
        lines.append(f"<B>step {step.index}</B>  {escape(step.head)}")
        lines += [f'<FONT COLOR="#52606d">    {escape(phrase)}</FONT>' for phrase in phrases]
        graph.attr(label="<" + '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>>', labelloc="t",
                   labeljust="l", fontsize="12")
        return graph


@dataclass(frozen=True)
class Step:
    """One step of the reverse pass: the node processed, what the caption says, and the gradients it set.

    ``node`` is the node whose contributions flow back (the output at step 0, where the seed is set);
    ``head`` and ``phrases`` are the caption (one phrase per operand); ``sent`` pairs each operand with
    the gradient it holds after this step (the output with 1 at step 0). ``grads`` is every gradient
    known by then, ``picture`` the drawing (made on first use), ``caption`` the caption on one line.

    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> step = backward_steps(y)[1]
    >>> step.head, [(operand.label, round(grad, 4)) for operand, grad in step.sent]
    ('y = sin(x) sends', [('x', -0.4161)])
    """

    index: int
    node: Value
    head: str
    phrases: tuple[str, ...]
    sent: tuple[tuple[Value, float], ...]
    run: Pass = field(repr=False, compare=False)

    @property
    def caption(self) -> str:
        """The caption as one line of text: ``step 5: b = sin(a) sends ... to a``."""
        if not self.index:
            return f"step 0: {self.head}; {self.phrases[0]}"
        return f"step {self.index}: {self.head} {_joined(self.phrases)}"

    @property
    def caption_lines(self) -> tuple[str, ...]:
        """The caption as the picture lays it out: the head, then one line per operand."""
        return (self.head, *self.phrases)

    @property
    def title(self) -> str | None:
        """The title given to ``backward_steps``, shown above every step."""
        return self.run.title

    @property
    def grads(self) -> dict[Value, float]:
        """Every gradient known once this step is done (a Value not in it is still unknown)."""
        return self.run.grads_after(self.index)

    @cached_property
    def picture(self) -> Graph:
        """This step's drawing: unknown gradients as "?", the ones just set emphasised, the node highlighted."""
        return self.run.picture(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Jupyter shows a step as its picture."""
        return self.picture._repr_mimebundle_(include, exclude)


def backward_steps(output: Value, **draw_options: Any) -> list[Step]:
    """``output``'s reverse pass as a list of ``Step``: step 0 knows only the seed gradient 1, each later
    step processes one node (in ``explain``'s order) and sends ``upstream × local derivative`` to its operands.

    In each step's ``picture``, gradients not known yet show as "?", the ones that just changed are
    magenta, the processed node and the edges its contributions flow along are highlighted.
    ``draw_options`` go to ``draw`` (except ``highlight``, ``path`` and ``heatmap``); ``title`` heads
    every picture. No Value's ``.grad`` is read or changed.

    >>> from viz import backward_steps
    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> [s.caption for s in backward_steps(y)]  # doctest: +NORMALIZE_WHITESPACE
    ['step 0: seed ∂y/∂y = 1; every other gradient is ? until the reverse pass reaches it',
     'step 1: y = sin(x) sends ∂y/∂y · cos x = 1.0000 × −0.4161 = −0.4161 to x']
    """
    run = Pass(output, draw_options)
    out = run.names[output]
    run.steps.append(Step(0, output, f"seed ∂{out}/∂{out} = 1",
                          ("every other gradient is ? until the reverse pass reaches it",), ((output, 1.0),), run))
    for index, (node, phrases, sent) in enumerate(_sweep(run), 1):
        run.steps.append(Step(index, node, f"{run.names[node]} = {formula(node, run.names)} sends", phrases, sent, run))
    return list(run.steps)


def _sweep(run: Pass) -> Iterator[tuple[Value, tuple[str, ...], tuple[tuple[Value, float], ...]]]:
    """Per node the engine's reverse sweep processes: its caption phrases and each operand's gradient after it,
    summed in the order the sweep adds contributions, so the sums shown are the engine's to the last bit."""
    known: dict[Value, float] = {run.output: 1.0}
    for swept in reverse_sweep(run.output):
        v = swept.node
        if v.op is None:  # the leaves come last, with nothing to send
            break
        phrases, sent = _phrases(v, swept.grad, local_gradients(v), swept.contributions, known, run.names,
                                 run.names[run.output], run.precision)
        known.update(sent)
        yield v, tuple(phrases), tuple(sent)


def _phrases(v: Value, upstream: float, locals_: Sequence[float], products: Sequence[float],
             before: Mapping[Value, float], names: Mapping[Value, str], out: str,
             precision: int) -> tuple[list[str], list[tuple[Value, float]]]:
    """One caption phrase per operand of ``v`` (what it receives, and its running sum when it already had a
    gradient in ``before``), and each operand with its gradient after the step, added as the engine adds."""
    sums = {p: before[p] for p in v.parents if p in before}
    up = _num(upstream, precision)
    phrases, sent = [], []
    for i, (p, local, product) in enumerate(zip(v.parents, locals_, products)):
        rule = local_rule(v, i, names).partition(" = ")[2]
        text = f"∂{out}/∂{names[v]} · {rule} = {up} × {_num(local, precision)} = {_num(product, precision)} to {names[p]}"
        if p in sums:
            total = sums[p] + product
            sign = "−" if product < 0 else "+"
            text += f" ({names[p]} now {_num(sums[p], precision)} {sign} {_num(abs(product), precision)} = {_num(total, precision)})"
            sums[p] = total
        else:
            sums[p] = product
        phrases.append(text)
        sent.append((p, sums[p]))
    return phrases, sent


def _contributions(step: Any, before: Mapping[Value, float], names: Mapping[Value, str], out: str,
                   precision: int) -> list[str]:
    """The caption phrases of one reverse-pass node (``.value``, ``.upstream``, ``.locals``, ``.products``);
    ``viz.snapshot`` words its backward steps with it."""
    return _phrases(step.value, step.upstream, step.locals, step.products, before, names, out, precision)[0]


def _num(x: float, precision: int) -> str:
    """A number as the caption prints it: rounded like the cards, with a true minus sign."""
    text = format_number(x, precision)
    return "−" + text[1:] if text.startswith("-") else text


def _joined(phrases: tuple[str, ...]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]

