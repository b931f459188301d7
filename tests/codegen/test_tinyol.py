"""Codegen for tinyOL: a network's frozen part (drop_last) is the framework's own hidden layer in
int8, the header tells the head how to read it, the CLI does the same, and misuse is refused
with nothing written."""
from __future__ import annotations

import functools
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sklearn import datasets, neural_network, tree
from sklearn.model_selection import train_test_split

from ctml_codegen import ConversionError
from ctml_codegen.nn import frozen as nn_frozen
from ctml_codegen.nn import reference as ref
from ctml_codegen.families.network import convert_network

PY = "/usr/bin/python3"
CODEGEN = Path(__file__).resolve().parents[2] / "codegen"


def digits():
    X, y = datasets.load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@functools.lru_cache(maxsize=None)  # fitted once, shared (the tests only read it)
def mlp(hidden=(16,), activation="relu"):
    Xtr, Xte, ytr, yte = digits()
    m = neural_network.MLPClassifier(hidden_layer_sizes=hidden, activation=activation, random_state=0, max_iter=200)
    return m.fit(Xtr, ytr), Xtr, Xte


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_frozen_part_is_the_frameworks_hidden_layer_in_int8(tmp_path):
    m, Xtr, Xte = mlp()
    r = convert_network(m, "frozen", tmp_path, X_sample=Xtr, target="avr", drop_last=True)
    emb = nn_frozen.embedding_codes(r.qnet)
    assert emb.size == 16 and emb.unsigned and emb.ctype == "std::uint8_t"
    q = ref.run(r.qnet, r.qnet.quantize_input(Xte.reshape(-1, 1, 1, 64)))[-1]
    hidden = np.maximum(Xte @ m.coefs_[0] + m.intercepts_[0], 0.0)   # scikit-learn's own ReLU layer
    real = emb.codes(q) * emb.scale
    assert np.max(np.abs(real - hidden)) <= 2 * emb.scale        # within two int8 steps
    assert 0.5 <= emb.scale * 2 ** emb.shift <= 2.0              # code / 2^shift is the real value within 2x
    text = (tmp_path / "frozen.hpp").read_text()
    assert "struct frozen_embedding {" in text
    assert "using code_type = std::uint8_t;" in text
    assert f"static constexpr std::int32_t zero_point = {emb.zero};" in text
    assert f"static constexpr unsigned shift = {emb.shift};" in text
    assert "Tensors: 1x1x64 -> 1x1x16." in text                  # the classifier layer is gone
    assert "class_labels" not in text


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_two_hidden_layers_keep_the_first_and_the_second(tmp_path):
    m, Xtr, Xte = mlp(hidden=(24, 12))
    r = convert_network(m, "frozen2", tmp_path, X_sample=Xtr, drop_last=True)
    assert nn_frozen.embedding_codes(r.qnet).size == 12
    assert len(r.qnet.layers) == 2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_drop_last_refuses_what_it_cannot_cut_and_writes_nothing(tmp_path):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    X = np.random.RandomState(0).rand(20, 4)
    with pytest.raises(ConversionError, match="at least two layers"):
        convert_network(nn.Sequential(nn.Linear(4, 3)).double(), "one", tmp_path, X_sample=X, input_shape=(4,),
                        drop_last=True)
    img = np.random.RandomState(0).rand(20, 1, 4, 4)
    pooled = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()).double()
    with pytest.raises(ConversionError, match="ends in GlobalAvgPool"):
        convert_network(pooled, "pooled", tmp_path, X_sample=img, input_shape=(1, 4, 4), drop_last=True)
    m, Xtr, _ = mlp()
    with pytest.raises(ConversionError, match="no float path"):
        convert_network(m, "both", tmp_path, X_sample=Xtr, drop_last=True, float_path=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_cli_converts_a_frozen_part_and_refuses_drop_last_on_a_tree(tmp_path):
    m, Xtr, _ = mlp()
    (tmp_path / "mlp.pkl").write_bytes(pickle.dumps(m))
    np.save(tmp_path / "sample.npy", Xtr)
    run = lambda *a: subprocess.run([PY, "-m", "ctml_codegen", "convert", *a], capture_output=True, text=True,
                                    cwd=tmp_path, env={"PYTHONPATH": str(CODEGEN)})
    ok = run("mlp.pkl", "--allow-pickle", "--name", "body", "--sample", "sample.npy", "--drop-last", "--out", "out")
    assert ok.returncode == 0, ok.stderr
    assert "struct body_embedding {" in (tmp_path / "out" / "body.hpp").read_text()
    dt = tree.DecisionTreeClassifier(max_depth=2, random_state=0).fit(Xtr, digits()[2])
    (tmp_path / "dt.pkl").write_bytes(pickle.dumps(dt))
    bad = run("dt.pkl", "--allow-pickle", "--name", "dt", "--drop-last", "--out", "out2")
    assert bad.returncode == 2 and "--drop-last applies to networks" in bad.stderr
    assert not (tmp_path / "out2").exists()
