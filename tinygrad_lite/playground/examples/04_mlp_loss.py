# A small MLP's loss on four points
# MLP(2, [3, 1]) and the mean squared error; its parameters
# are named and boxed per layer and neuron.
from tinygrad_lite import MLP, mse

model = MLP(2, [3, 1], activation="tanh", seed=1)
points = [[0.5, -1.0], [1.0, 0.5], [-0.5, 0.25], [-1.0, -0.5]]
targets = [1.0, -1.0, 1.0, -1.0]
predictions = [model(p) for p in points]
loss = mse(predictions, targets)
loss.label = "loss"
print(len(model.parameters()), "parameters, loss", loss.data)
show(loss, model=model)
