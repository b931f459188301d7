"""Pipelines: scaler steps compose into one affine input map equal to scikit-learn's transform."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from ctml_codegen import ConversionError, convert
from ctml_codegen.frontends.sklearn_pipeline import split


def data():
    rs = np.random.RandomState(0)
    X = rs.randn(80, 4) * [1, 10, 0.1, 3] + [0, 5, -2, 1]
    return X, (X[:, 0] + X[:, 3] > 1).astype(int)


@pytest.mark.parametrize("steps", [
    (StandardScaler(),), (MinMaxScaler(feature_range=(-1, 2)),), (MaxAbsScaler(),),
    (StandardScaler(with_mean=False),), (StandardScaler(), MinMaxScaler(), MaxAbsScaler()),
    ("passthrough", MinMaxScaler(), StandardScaler()),
])
def test_scalers_compose_into_sklearns_transform(steps):
    X, y = data()
    p = make_pipeline(*steps, LogisticRegression()).fit(X, y)
    scaling, final = split(p)
    assert final is p[-1]
    np.testing.assert_allclose(scaling.apply(X), p[:-1].transform(X), rtol=1e-12, atol=1e-12)


def test_a_bare_estimator_has_no_scaling():
    X, y = data()
    est = LogisticRegression().fit(X, y)
    assert split(est) == (None, est)


def test_unsupported_steps_are_named(tmp_path):
    X, y = data()
    p = make_pipeline(PolynomialFeatures(), LogisticRegression()).fit(X, y)
    with pytest.raises(ConversionError, match="PolynomialFeatures.*StandardScaler, MinMaxScaler, MaxAbsScaler"):
        split(p)
    p = make_pipeline(MinMaxScaler(clip=True), LogisticRegression()).fit(X, y)
    with pytest.raises(ConversionError, match="clip=False"):
        split(p)


def test_a_tree_behind_a_scaler_is_refused_and_nothing_is_written(tmp_path):
    X, y = data()
    p = make_pipeline(StandardScaler(), DecisionTreeClassifier(max_depth=2, random_state=0)).fit(X, y)
    with pytest.raises(ConversionError, match="final estimator alone"):
        convert(p, "m", tmp_path)
    assert not list(tmp_path.iterdir())
