# The source document's tree: z = (x + 2) + y
# The constant 2 is stored in its node; z's gradient 1
# reaches x and y unchanged. A last line that gives a
# Value is drawn, as if given to show().
from tinygrad_lite import Value

x = Value(3.0, "x")
y = Value(4.0, "y")
z = (x + 2) + y
z.label = "z"
z
