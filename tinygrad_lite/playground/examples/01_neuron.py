# The README's neuron: tanh(x1*w1 + x2*w2 + b)
# show(v) draws v's graph: step its forward and backward
# pass with the buttons or the arrow keys; click a node
# for its ledger.
from tinygrad_lite import Value

x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
b = Value(6.881373587019543, "b")
o = (x1 * w1 + x2 * w2 + b).tanh()
o.backward()
print(f"o = {o.data:.4f}, w1.grad = {w1.grad:.4f}")
show(o, parameters=[w1, w2, b])
