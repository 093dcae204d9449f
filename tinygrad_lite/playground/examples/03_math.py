# Your existing function, differentiable: written for floats with the math
# module; only the import changes.
from tinygrad_lite import Value, grad, math  # was: import math


def wave(t):  # unchanged code, written for floats
    return math.exp(-t / 4) * math.sin(2 * math.pi * t) + math.log1p(t * t)


print("wave(0.3) =", wave(0.3))  # a float, as before
print("d wave/dt =", grad(wave)(0.3))  # the exact derivative
t = Value(0.3, "t")
y = wave(t)
y.label = "wave"
y
