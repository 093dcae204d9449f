# Training on two moons, made in plain Python
# No scikit-learn: the points come from cos, sin and noise.
# show_training redraws the decision boundary and the loss
# curve after every epoch.
import math
import random

from tinygrad_lite import MLP, Adam, hinge

rng = random.Random(0)


def moons(n, noise=0.1):
    points, labels = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:  # the upper moon
            x, y, label = math.cos(t), math.sin(t), -1.0
        else:  # the lower one, shifted right and down
            x, y = 1 - math.cos(t), 0.5 - math.sin(t)
            label = 1.0
        dx, dy = rng.gauss(0, noise), rng.gauss(0, noise)
        points.append([x + dx, y + dy])
        labels.append(label)
    return points, labels


points, labels = moons(100)
model = MLP(2, [8, 8, 1], seed=0)
optimizer = Adam(model.parameters(), lr=0.05)
losses = []
for _epoch in range(40):
    scores = [model(p) for p in points]
    loss = hinge(scores, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.data)
    show_training(model, points, labels, losses)

pairs = zip(scores, labels, strict=True)
right = sum((s.data > 0) == (y > 0) for s, y in pairs)
accuracy = right / len(labels)
print(f"loss {loss.data:.3f}, accuracy {accuracy:.2f}")
