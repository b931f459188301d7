"""Pipelines: scaler steps compose into one affine input map equal to scikit-learn's transform."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, PolynomialFeatures, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from ctml_codegen import ConversionError, convert
from ctml_codegen.frontends.sklearn_pipeline import split, split_projection


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


@pytest.mark.parametrize("make", [
    lambda: (PCA(3),), lambda: (PCA(2, whiten=True),), lambda: (StandardScaler(), PCA(3, whiten=True)),
    lambda: (PCA(3), StandardScaler()), lambda: (MinMaxScaler(), PCA(3), MaxAbsScaler(), PCA(2)),
])
def test_a_pca_step_and_its_neighbours_compose_into_sklearns_transform(make):
    """Scalers before the first PCA stay a per-feature scaling; the PCA and everything after it
    become one affine map; together they give scikit-learn's transform."""
    X, y = data()
    p = make_pipeline(*make(), LogisticRegression()).fit(X, y)
    scaling, projection, final = split_projection(p)
    assert final is p[-1]
    xs = X if scaling is None else scaling.apply(X)
    np.testing.assert_allclose(projection.apply(xs), p[:-1].transform(X), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("est", [LogisticRegression(), Ridge(alpha=0.5)])
def test_a_folded_pca_gives_the_pipelines_scores(est):
    """W' = W A, b' = b + W c: in float64 the folded weights give the Pipeline's decision_function
    (or predict) on the raw inputs."""
    from ctml_codegen.families.linear import fold_projection
    from ctml_codegen.frontends.sklearn_linear import from_sklearn
    X, y = data()
    target = y if isinstance(est, LogisticRegression) else X @ [1.0, -2.0, 0.5, 3.0]
    p = make_pipeline(StandardScaler(), PCA(3, whiten=True), est).fit(X, target)
    scaling, projection, final = split_projection(p)
    model = fold_projection(from_sklearn(final, None), projection, scaling)
    z = scaling.apply(X) @ np.asarray(model.coef).T + np.asarray(model.intercept)
    want = p.decision_function(X) if isinstance(est, LogisticRegression) else p.predict(X)
    np.testing.assert_allclose(z.ravel(), want, rtol=1e-9, atol=1e-9)


def test_pca_before_anything_but_a_linear_model_is_refused_in_one_line(tmp_path):
    X, y = data()
    for est in (DecisionTreeClassifier(max_depth=2), SVC()):
        p = make_pipeline(PCA(2), est).fit(X, y)
        with pytest.raises(ConversionError, match=f"a PCA step folds only into a linear model, not into {type(est).__name__}"):
            convert(p, "m", tmp_path)
    p = make_pipeline(PCA(2), PolynomialFeatures(), LogisticRegression()).fit(X, y)
    with pytest.raises(ConversionError, match="PolynomialFeatures is not supported"):
        convert(p, "m", tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_folded_pca_classifier_converts_with_the_pipelines_classes(tmp_path):
    """The converter checks the folded model's classes (float32, int16) against the Pipeline's on
    every sample and test input; these convert, and their test vectors are the Pipeline's."""
    X, y = data()
    p = make_pipeline(PCA(3), LogisticRegression()).fit(X, y)
    for bits in (0, 16):
        r = convert(p, f"m{bits}", tmp_path, X_sample=X, feature_bits=bits, X_test=X[:10], y_test=y[:10])
        assert "PCA(n_components=3) + LogisticRegression" in r.header.read_text()


def _walk(tree, row):
    """A tree's leaf for one float32 row, NaN taking each test's default direction."""
    i = 0
    while tree.feature[i] >= 0:
        x, t = row[tree.feature[i]], tree.threshold[i]
        left = (not x > t) if tree.default_left[i] else x <= t
        i = i + 1 if left else tree.right[i]
    return tree.value[i]


@pytest.mark.parametrize("strategy", ["quantile", "uniform", "kmeans"])
@pytest.mark.parametrize("imputer", [None, "mean", "median", "most_frequent", "constant"])
def test_kbins_and_imputer_fold_into_the_trees_exactly(strategy, imputer):
    """KBinsDiscretizer(ordinal) becomes thresholds on the raw inputs and SimpleImputer the NaN
    directions: the folded forest's probabilities are the Pipeline's on float32 inputs with NaN."""
    from sklearn import datasets, ensemble, impute, pipeline, preprocessing
    from sklearn.model_selection import train_test_split
    from ctml_codegen.families.trees import to_ir
    from ctml_codegen.frontends import sklearn_tree_steps
    X, y = datasets.load_wine(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    steps = [] if imputer is None else [impute.SimpleImputer(strategy=imputer, fill_value=1.0)]
    steps.append(preprocessing.KBinsDiscretizer(n_bins=5, encode="ordinal", strategy=strategy))
    est = pipeline.make_pipeline(*steps, ensemble.RandomForestClassifier(8, max_depth=5, random_state=0))
    if imputer is not None:
        rng = np.random.RandomState(1)
        Xtr, Xte = Xtr.copy(), Xte.copy()
        Xtr[rng.rand(*Xtr.shape) < 0.1] = np.nan
        Xte[rng.rand(*Xte.shape) < 0.2] = np.nan
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # kmeans: fewer distinct bins than asked on some features
        est.fit(Xtr, ytr)
    transforms, final = sklearn_tree_steps.pipeline_steps(est)
    forest = sklearn_tree_steps.fold(to_ir(final), transforms)
    X32 = Xte.astype(np.float32)
    got = np.array([np.mean([_walk(t, r) for t in forest.trees], axis=0) for r in X32])
    assert np.abs(got - est.predict_proba(X32.astype(np.float64))).max() <= 1e-12
    assert forest.nan_aware == (imputer is not None)


def test_tree_steps_that_do_not_fold_are_refused_in_one_line(tmp_path):
    from sklearn import datasets, ensemble, impute, linear_model, pipeline, preprocessing, tree
    X, y = datasets.load_iris(return_X_y=True)
    dt = lambda: tree.DecisionTreeClassifier(max_depth=3, random_state=0)  # noqa: E731
    cases = [
        (pipeline.make_pipeline(preprocessing.KBinsDiscretizer(3, encode="onehot"), dt()), "encode='ordinal'"),
        (pipeline.make_pipeline(impute.SimpleImputer(add_indicator=True), dt()), "add_indicator=False"),
        (pipeline.make_pipeline(impute.SimpleImputer(missing_values=-1.0), dt()), "missing_values=-1.0"),
        (pipeline.make_pipeline(preprocessing.KBinsDiscretizer(3, encode="ordinal"),
                                impute.SimpleImputer(), dt()), "one SimpleImputer \\(first\\)"),
        (pipeline.make_pipeline(preprocessing.KBinsDiscretizer(3, encode="ordinal"),
                                linear_model.LogisticRegression()), "fold only into tree models"),
    ]
    for est, match in cases:
        est.fit(X, y)
        with pytest.raises(ConversionError, match=match):
            convert(est, "s", tmp_path, X_sample=X)
    imp = pipeline.make_pipeline(impute.SimpleImputer(), dt()).fit(X, y)
    with pytest.raises(ConversionError, match="needs float inputs"):
        convert(imp, "s", tmp_path, X_sample=X, feature_bits=16)
    assert not list(tmp_path.iterdir())
    r = convert(imp, "s", tmp_path, X_sample=X, target="avr")   # automatic: float inputs
    assert "nan_aware = true" in r.header.read_text()
