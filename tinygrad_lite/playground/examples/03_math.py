# tinygrad_lite.math on a function written for floats
# Change the import, and code written for floats computes
# exact gradients.
from tinygrad_lite import Value, grad, math  # was: import math


def wave(t):  # unchanged code, written for floats
    decay = math.exp(-t / 4)
    return decay * math.sin(2 * math.pi * t) + math.log1p(t * t)


print("wave(0.3) =", wave(0.3))  # a float, as before
print("d wave/dt =", grad(wave)(0.3))  # the exact derivative
t = Value(0.3, "t")
y = wave(t)
y.label = "wave"
y
