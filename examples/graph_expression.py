"""The graph of J = cos(sin(x²) + 3x²) at x = 2 (the tutorial's backpropagation exercise), with its chain rule.

Run: python examples/graph_expression.py [--out DIR | --docs]
Writes the graph left-to-right, with a gradient heat map, and prints the forward and backward pass
table that the tutorial works through by hand.
"""

from graph_output import picture_folder, save_picture

import viz
from autograd import parse

folder, docs = picture_folder(__doc__.splitlines()[0])
J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=2.0)
J.label = "J"
J.backward()

save_picture(J, folder, "graph_expression", docs, title="J = cos(sin(x²) + 3x²) at x = 2")
save_picture(J, folder, "graph_expression_heat", docs, heatmap=True, rankdir="TB")
print(viz.explain(J))
print()
print(viz.tree(J))
