# A small network's loss: MLP(2, [3, 1]) on four points, mean squared error.
# Its parameters are named and boxed per layer and neuron.
from tinygrad_lite import MLP, mse

model = MLP(2, [3, 1], activation="tanh", seed=1)
points = [[0.5, -1.0], [1.0, 0.5], [-0.5, 0.25], [-1.0, -0.5]]
targets = [1.0, -1.0, 1.0, -1.0]
predictions = [model(p) for p in points]
loss = mse(predictions, targets)
loss.label = "loss"
print(f"{len(model.parameters())} parameters, loss {loss.data:.4f}")
show(loss, model=model)
