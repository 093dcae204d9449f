# Your own op with custom_op: softplus
# softplus(x) = log(1 + e**x), its derivative sigmoid(x).
# custom_op adds it to the op table beside exp and *; the
# drawer, the explorer and gradcheck treat it as a built-in.
from tinygrad_lite import Value, custom_op, gradcheck, math


def sigmoid(x, out):
    return 1 / (1 + math.exp(-x))


@custom_op("softplus", local_grads=sigmoid, replace=True)
def softplus(x):
    # log(1 + e**x) without overflow
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


print("gradcheck passed:", gradcheck(softplus, [1.0]).passed)
x = Value(1.0, "x")
w = Value(-2.0, "w")
y = softplus(x * w) + x.softplus()
y.label = "y"
y
