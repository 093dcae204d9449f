# Training on two moons, made here in plain Python (no scikit-learn).
# show_training redraws the decision boundary and the loss curve each epoch.
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
            x, y, label = 1 - math.cos(t), 0.5 - math.sin(t), 1.0
        points.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
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

right = sum((s.data > 0) == (y > 0) for s, y in zip(scores, labels, strict=True))
print(f"after {len(losses)} epochs: loss {loss.data:.3f}, accuracy {right / len(labels):.2f}")
