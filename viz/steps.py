"""``backward_steps``: the reverse pass as a flip-book, one picture per node it processes."""

from __future__ import annotations

from typing import Any

from autograd import Value

from .cards import GradOverlay
from .explain import NodeStep, reverse_pass
from .graph import draw
from .naming import formula, local_rule, named_graph
from .renderer import Graph
from .style import check_precision, check_title, escape, format_number

# Each of these draws its own highlight or colours, which would fight the step's own.
_REFUSED = ("highlight", "path", "heatmap")
_MAX_LINES = 8  # a wide sum or dot product: the caption lists this many contributions, then "… n more"


def backward_steps(output: Value, **draw_options: Any) -> list[Graph]:
    """Pictures of ``output``'s reverse pass: step 0 knows only the seed gradient 1, each later step
    processes one node (in ``explain``'s order) and sends ``upstream × local derivative`` to its operands.

    Gradients not known yet show as "?", the ones that just changed are magenta, the processed node
    and the edges its contributions flow along are highlighted. Each picture carries its caption as
    one line of text in ``.caption`` (and as a head plus one line per operand in ``.caption_lines``,
    with the ``title`` in ``.step_title``) and the gradients known by then in ``.grads`` (Value -> float).
    ``draw_options`` go to ``draw`` (except ``highlight``, ``path`` and ``heatmap``). No Value's
    ``.grad`` is read or changed.

    >>> from viz import backward_steps
    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> [g.caption for g in backward_steps(y)]  # doctest: +NORMALIZE_WHITESPACE
    ['step 0: seed ∂y/∂y = 1; every other gradient is ? until the reverse pass reaches it',
     'step 1: y = sin(x) sends ∂y/∂y · cos x = 1.0000 × −0.4161 = −0.4161 to x']
    """
    order, names = named_graph(output, "backward_steps")
    # Their defaults (None, False) are harmless; anything else would be silently overridden.
    refused = [name for name in _REFUSED if draw_options.pop(name, None) not in (None, False)]
    if refused:
        raise TypeError(f"backward_steps highlights each step itself and does not take {', '.join(refused)}")
    precision = check_precision(draw_options.get("precision", 4))
    title = draw_options.pop("title", None)
    check_title(title)
    out = names[output]
    titles = {v: name for v, name in names.items() if not v.label and not v.is_leaf}

    grads: dict[Value, float] = {output: 1.0}
    known = dict(grads)  # the gradients as they were before the current step
    pictures = [_picture(output, draw_options, GradOverlay(known, frozenset([output]), titles=titles), title, 0,
                         f"seed ∂{out}/∂{out} = 1", ["every other gradient is ? until the reverse pass reaches it"])]
    for k, step in enumerate(reverse_pass(order, names, grads, "backward_steps"), 1):
        v = step.value
        phrases = _contributions(step, known, names, out, precision)
        known = dict(grads)
        overlay = GradOverlay(known, frozenset(v.parents), v, titles)
        head = f"{names[v]} = {formula(v, names)} sends"
        pictures.append(_picture(output, draw_options, overlay, title, k, head, phrases))
    return pictures


def _contributions(step: NodeStep, before: dict[Value, float], names: dict[Value, str], out: str,
                   precision: int) -> list[str]:
    """One phrase per operand: what it receives, and its running sum when it already had a gradient."""
    v = step.value
    sums = {p: before[p] for p in v.parents if p in before}
    up = _num(step.upstream, precision)
    phrases = []
    for i, (p, local, product) in enumerate(zip(v.parents, step.locals, step.products)):
        rule = local_rule(v, i, names).partition(" = ")[2]
        text = f"∂{out}/∂{names[v]} · {rule} = {up} × {_num(local, precision)} = {_num(product, precision)} to {names[p]}"
        if p in sums:  # added as the engine adds, so the sum shown is the gradient it will hold
            total = sums[p] + product
            sign = "−" if product < 0 else "+"
            added = _num(abs(product), precision)
            text += f" ({names[p]} now {_num(sums[p], precision)} {sign} {added} = {_num(total, precision)})"
            sums[p] = total
        else:
            sums[p] = product
        phrases.append(text)
    return phrases


def _num(x: float, precision: int) -> str:
    """A number as the caption prints it: rounded like the cards, with a true minus sign."""
    text = format_number(x, precision)
    return "−" + text[1:] if text.startswith("-") else text


def _picture(output: Value, options: dict[str, Any], overlay: GradOverlay, title: str | None, k: int,
             head: str, phrases: list[str]) -> Graph:
    """One step's drawing, captioned above the graph; the caption's plain text goes in ``.caption``."""
    highlight = overlay.active if overlay.active is not None else output
    graph = draw(output, highlight=highlight, _overlay=overlay, **options)
    graph.grads = overlay.grads
    graph.caption = f"step {k}: {head} {_joined(phrases)}" if k else f"step 0: {head}; {phrases[0]}"
    graph.caption_lines = (head, *phrases)  # the caption as the picture lays it out, for pages that restyle it
    graph.step_title = title
    shown = phrases if len(phrases) <= _MAX_LINES else [*phrases[:_MAX_LINES - 1], f"… and {len(phrases) - _MAX_LINES + 1} more"]
    lines = [f"<B>{escape(title)}</B>"] if title else []
    lines.append(f'<B>step {k}</B>  {escape(head)}')
    lines += [f'<FONT COLOR="#52606d">    {escape(phrase)}</FONT>' for phrase in shown]
    graph.attr(label="<" + '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>>', labelloc="t", labeljust="l",
               fontsize="12")
    return graph


def _joined(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
