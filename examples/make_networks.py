#!/usr/bin/python3
"""Trains the example int8 networks on scikit-learn's digits (8x8, 10 classes) and converts them
into models/. Deterministic: scikit-learn with random_state=0; PyTorch with manual_seed(0),
deterministic algorithms, one thread, full-batch float64 training in a fixed order, so
regenerating changes no byte (the pytest in tests/codegen checks this).

Usage: /usr/bin/python3 examples/make_networks.py [--out models] [--only NAME ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "codegen"))

import numpy as np  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import layout  # noqa: E402  (examples/layout.py: where each generated file lives)
from ctml_codegen import convert_network  # noqa: E402


def digits():
    X, y = datasets.load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def digits_mlp(out):
    from sklearn.neural_network import MLPClassifier
    Xtr, Xte, ytr, yte = digits()
    m = MLPClassifier(hidden_layer_sizes=(32,), random_state=0, max_iter=300).fit(Xtr, ytr)
    return convert_network(m, "digits_mlp", out, X_sample=Xtr, target="avr", X_test=Xte, y_test=yte, float_path=True,
                           vector_parts=2)


def digits_mlp_logistic(out):
    """Logistic hidden units: an int8 lookup table in flash. 150 test vectors keep the header small."""
    from sklearn.neural_network import MLPClassifier
    Xtr, Xte, ytr, yte = digits()
    m = MLPClassifier(hidden_layer_sizes=(16,), activation="logistic", random_state=0, max_iter=500).fit(Xtr, ytr)
    return convert_network(m, "digits_mlp_logistic", out, X_sample=Xtr, target="avr", X_test=Xte[:150],
                           y_test=yte[:150], float_path=True)


def torch_setup():
    import torch
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    return torch


def digits_cnn_model(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.1), nn.Linear(64, 10)).double()


def train(torch, model, X, y, epochs: int, lr: float = 0.01):
    """Full-batch Adam in float64: no sampling, so the result depends on the seed alone."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.int64)
    model.train()
    for _ in range(epochs):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()
    return model.eval()


def torch_predict(torch, model):
    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(np.asarray(X).reshape(-1, 1, 8, 8), dtype=torch.float64)).argmax(1).numpy()
    return predict


def digits_cnn(out):
    torch = torch_setup()
    Xtr, Xte, ytr, yte = digits()
    img = lambda X: X.reshape(-1, 1, 8, 8) / 16.0
    model = train(torch, digits_cnn_model(torch), img(Xtr), ytr, epochs=150)
    return convert_network(model, "digits_cnn", out, X_sample=img(Xtr), input_shape=(1, 8, 8), target="avr",
                           X_test=img(Xte), y_test=yte, framework_predict=torch_predict(torch, model), float_path=True,
                           vector_parts=2, softmax=True)   # trained on logits (cross-entropy); predict_proba needs one


class Residual:
    """A torch.fx-traced graph with every other layer kind: ReLU6, depthwise convolution with a
    folded BatchNorm, a residual add, average and global average pooling."""

    @staticmethod
    def model(torch):
        nn = torch.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = nn.Conv2d(1, 4, 3, padding=1)
                self.act = nn.ReLU6()
                self.dw = nn.Conv2d(4, 4, 3, padding=1, groups=4)
                self.bn = nn.BatchNorm2d(4)
                self.pool = nn.AvgPool2d(2)
                self.expand = nn.Conv2d(4, 12, 1, stride=2)
                self.gap = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(12, 10)

            def forward(self, x):
                x = self.act(self.stem(x))
                x = torch.relu(self.bn(self.dw(x)) + x)
                x = self.gap(torch.relu(self.expand(self.pool(x))))
                return self.fc(torch.flatten(x, 1))

        return Net().double()


def digits_residual(out):
    torch = torch_setup()
    Xtr, Xte, ytr, yte = digits()
    img = lambda X: X.reshape(-1, 1, 8, 8) / 16.0
    model = train(torch, Residual.model(torch), img(Xtr), ytr, epochs=100, lr=0.03)
    return convert_network(model, "digits_residual", out, X_sample=img(Xtr), input_shape=(1, 8, 8), target="avr",
                           X_test=img(Xte), y_test=yte, framework_predict=torch_predict(torch, model))


def regression_data(n_features: int):
    """make_regression-like data (scikit-learn's generator, fixed seed) for the MLPRegressor cases."""
    X, y = datasets.make_regression(n_samples=300, n_features=n_features, noise=0.1, random_state=0)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def regression_mlp(out):
    """MLPRegressor (4, 5, 3) relu on 5 features: predict is the value, int8 and float."""
    import warnings

    from sklearn.neural_network import MLPRegressor
    Xtr, Xte, ytr, _ = regression_data(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # 500 iterations do not converge; the network is what it is
        m = MLPRegressor(hidden_layer_sizes=(4, 5, 3), random_state=0, max_iter=500).fit(Xtr, ytr)
    return convert_network(m, "regression_mlp", out, X_sample=Xtr, target="avr", X_test=Xte, float_path=True)


NETWORKS = {"digits_mlp": digits_mlp, "digits_cnn": digits_cnn, "digits_residual": digits_residual,
            "digits_mlp_logistic": digits_mlp_logistic, "regression_mlp": regression_mlp}


def main() -> int:
    return layout.network_main(__doc__, NETWORKS, lambda name, r: f"{name}: arena {r.arena_bytes} B, weights {r.flash_bytes} B, header {r.header.name}")


if __name__ == "__main__":
    raise SystemExit(main())
