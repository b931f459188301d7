"""Issue 16: no silent wrong answers (linear-kernel machines in primal form, the float32 kernel
check, MLP regressors' values, numpy error settings) and the estimators added to the linear family."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import datasets, ensemble, neural_network, svm
from sklearn.model_selection import train_test_split

from ctml_codegen import ConversionError, convert
from ctml_codegen.nn_api import convert_network


def split(loader, **kw):
    X, y = loader(return_X_y=True, **kw)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def test_converters_run_under_their_own_numpy_error_settings(tmp_path):
    """emlearn sets numpy.seterr(all='raise') for the whole process; a float32 cast of a tiny
    weight underflows, which must not abort a conversion, and the caller's settings come back."""
    Xtr, Xte, ytr, yte = split(datasets.load_digits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = neural_network.MLPClassifier(hidden_layer_sizes=(16,), activation="logistic", random_state=0,
                                           max_iter=300).fit(Xtr, ytr)
    forest = ensemble.RandomForestClassifier(n_estimators=3, max_depth=4, random_state=0).fit(Xtr, ytr)
    old = np.seterr(all="raise")
    try:
        with pytest.raises(FloatingPointError):   # the setting this test guards against is in force
            np.float32(np.float64(1e-60))
        convert_network(mlp, "net", tmp_path, X_sample=Xtr, X_test=Xte, y_test=yte, float_path=True)
        convert(forest, "forest", tmp_path, X_sample=Xtr, X_test=Xte, y_test=yte)
        assert np.geterr()["under"] == "raise"
    finally:
        np.seterr(**old)
    assert (tmp_path / "net.hpp").exists() and (tmp_path / "net_float.hpp").exists() and (tmp_path / "forest.hpp").exists()


# Linear kernels in primal form, and the float32 check of the kernel paths.

def _linear_header(path) -> str:
    text = path.read_text()
    assert "ctml::linear::linear_" in text and "ctml::svm" not in text
    return text


@pytest.mark.parametrize("bits", [0, 16, 8])
@pytest.mark.parametrize("make", [lambda: svm.SVC(kernel="linear"), lambda: svm.NuSVC(kernel="linear", nu=0.1)])
def test_linear_kernel_classifiers_take_the_primal_linear_path_and_match_on_unscaled_data(tmp_path, make, bits):
    from ctml_codegen.emit import linear as emit
    from ctml_codegen.families.svm import _primal
    from ctml_codegen.frontends.sklearn_svm import from_sklearn
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    est = make().fit(Xtr, ytr)
    r = convert(est, "lin", tmp_path, X_sample=Xtr, X_test=Xte, y_test=yte, feature_bits=bits)
    _linear_header(r.header)
    # The primal weights reproduce libsvm's decision in float64 (scikit-learn's sign when binary).
    model, _ = _primal(from_sklearn(est), None, est)
    w, b = model.folded()
    np.testing.assert_allclose(Xte @ w[0] + b[0], est.decision_function(Xte), rtol=1e-9, atol=1e-6)
    # What the emitted float path computes (float32, the C++'s order) predicts every class.
    if bits == 0:
        from ctml_codegen.quantize.features import FeatureMap
        lw = emit.lower(model, FeatureMap(0), 0)
        assert np.array_equal(emit.predict(lw, Xte.astype(np.float32)), est.predict(Xte))


def test_multiclass_linear_kernel_svc_votes_over_primal_pair_scores(tmp_path):
    from ctml_codegen.emit import linear as emit
    from ctml_codegen.families.svm import _primal
    from ctml_codegen.frontends.sklearn_svm import from_sklearn
    from ctml_codegen.quantize.features import FeatureMap
    X, y = datasets.load_wine(return_X_y=True)          # 3 classes, unscaled features up to 1680
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    est = svm.SVC(kernel="linear", decision_function_shape="ovo").fit(Xtr, ytr)
    model, _ = _primal(from_sklearn(est), None, est)
    assert model.ovo and len(model.coef) == 3
    w, b = model.folded()
    np.testing.assert_allclose(Xte @ w.T + b, est.decision_function(Xte), rtol=1e-9, atol=1e-6)
    lw = emit.lower(model, FeatureMap(0), 0)
    assert np.array_equal(emit.predict(lw, Xte.astype(np.float32)), est.predict(Xte))
    _linear_header(convert(est, "wine", tmp_path, X_sample=Xtr, X_test=Xte, feature_bits=16).header)


@pytest.mark.parametrize("make", [lambda: svm.SVR(kernel="linear", C=10.0), lambda: svm.NuSVR(kernel="linear"),
                                  lambda: svm.OneClassSVM(kernel="linear", nu=0.2, max_iter=20000)])
def test_linear_kernel_regressors_and_one_class_svm_take_the_linear_path(tmp_path, make):
    from ctml_codegen.families.svm import _primal
    from ctml_codegen.frontends.sklearn_svm import from_sklearn
    X, y = datasets.load_diabetes(return_X_y=True)
    X = X[:200] * 1000.0                             # raw magnitudes like the breast cancer features
    Xtr, Xte, ytr, _ = train_test_split(X, y[:200], test_size=0.25, random_state=0)
    est = make().fit(Xtr, ytr)
    model, _ = _primal(from_sklearn(est), None, est)
    w, b = model.folded()
    np.testing.assert_allclose(Xte @ w[0] + b[0], est.decision_function(Xte) if hasattr(est, "offset_")
                               else est.predict(Xte), rtol=1e-8, atol=1e-6)
    _linear_header(convert(est, "reg", tmp_path, X_sample=Xtr, X_test=Xte).header)


def test_the_poly_kernel_on_raw_features_is_refused_where_float32_sums_change_classes(tmp_path):
    """libsvm sums (0.1 <x, v> + 2)^2 in float64; over raw breast-cancer features (|<x, v>| ~ 1e6)
    float32 sums lost 40 of 143 held-out classes. The converter simulates its float32 path on the
    sample and test inputs and refuses."""
    from ctml_codegen.emit import svm as emit_svm
    from ctml_codegen.frontends.sklearn_svm import from_sklearn
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    est = svm.SVC(kernel="poly", C=1.5, degree=2, gamma=0.1, coef0=2).fit(Xtr, ytr)
    lw = emit_svm.lower(from_sklearn(est), None, 0, None)
    ours = emit_svm.classes_of(lw.km, emit_svm.float_decisions(lw, Xte))
    assert np.sum(ours != est.predict(Xte)) > 10          # the simulation sees the loss the C++ had
    with pytest.raises(ConversionError, match="float32 kernel sums .* change the class"):
        convert(est, "poly", tmp_path, X_sample=Xtr, X_test=Xte)
    assert not list(tmp_path.iterdir())
    # Behind a StandardScaler the same kernel converts: its float32 path agrees on every input.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    ok = make_pipeline(StandardScaler(), svm.SVC(kernel="poly", C=1.5, degree=2, gamma=0.1, coef0=2)).fit(Xtr, ytr)
    assert convert(ok, "poly", tmp_path, X_sample=Xtr, X_test=Xte).header.exists()


def test_the_float32_kernel_simulation_follows_the_framework_where_it_converts():
    from ctml_codegen.emit import svm as emit_svm
    from ctml_codegen.frontends.sklearn_svm import from_sklearn
    Xtr, Xte, ytr, _ = split(datasets.load_iris)
    for est in (svm.SVC(kernel="rbf"), svm.SVC(kernel="poly", degree=3), svm.NuSVC(kernel="sigmoid", nu=0.3, gamma=0.1, coef0=-0.5)):
        est.fit(Xtr, ytr)
        km = from_sklearn(est)
        lw = emit_svm.lower(km, None, 0, None)
        est.decision_function_shape = "ovo"
        d = est.decision_function(Xte)   # float32 sums of poly terms up to ~1e3: a few 1e-3 apart
        np.testing.assert_allclose(emit_svm.float_decisions(lw, Xte), d, rtol=1e-4, atol=1e-5 * np.abs(d).max() * km.n_sv)
        assert np.array_equal(emit_svm.classes_of(km, emit_svm.float_decisions(lw, Xte)), [list(est.classes_).index(c) for c in est.predict(Xte)])


# MLPRegressor: the reported relative error 1.0 was the C++ predict of a one-output network, the
# argmax (always 0); regressors now predict the value (ctml/nn/regressor.hpp).

@pytest.mark.parametrize("hidden, activation, n_features", [((4,), "relu", 2), ((4,), "tanh", 3), ((4, 5, 3), "relu", 5)])
@pytest.mark.parametrize("data", ["make_regression", "diabetes"])
def test_mlp_regressors_predict_values_close_to_scikit_learn(tmp_path, hidden, activation, n_features, data):
    from ctml_codegen.ir import nn as ir
    from ctml_codegen.nn import reference as ref
    if data == "diabetes":
        X, y = datasets.load_diabetes(return_X_y=True)
        X = X[:, :n_features]
    else:
        X, y = datasets.make_regression(n_samples=300, n_features=n_features, noise=0.1, random_state=0)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = neural_network.MLPRegressor(hidden_layer_sizes=hidden, activation=activation, random_state=0,
                                        max_iter=500).fit(Xtr, ytr)
    r = convert_network(m, "reg", tmp_path, X_sample=Xtr, X_test=Xte, float_path=True)
    assert "ctml::nn::regressor<" in r.header.read_text() and "ctml::nn::regressor<" in (tmp_path / "reg_float.hpp").read_text()
    assert "expected_value" in (tmp_path / "reg_vectors.hpp").read_text()
    p = m.predict(Xte)
    net = r.qnet.net
    from ctml_codegen.nn_api import to_hwc
    np.testing.assert_allclose(ir.forward(net, to_hwc(net, Xte))[-1].reshape(-1), p, rtol=1e-9, atol=1e-9)
    q = r.qnet
    out = ref.run(q, q.quantize_input(to_hwc(net, Xte)))[-1].reshape(-1)
    value = (out - q.output_zero) * q.output_scale     # what the C++ predict returns
    assert np.max(np.abs(value - p)) <= 0.05 * np.ptp(p) + 2 * q.output_scale


# The rest of sklearn.linear_model with coef_/intercept_ and a link, through the linear family.

def _linear_lowered(est, Xtr, bits):
    from ctml_codegen.emit import linear as emit
    from ctml_codegen.emit.model_io import ranged
    from ctml_codegen.frontends.sklearn_linear import from_sklearn
    from ctml_codegen.frontends.sklearn_pipeline import split as pipeline_split
    from ctml_codegen.quantize.features import FeatureMap
    scaling, final = pipeline_split(est)
    fm = FeatureMap(0) if bits == 0 else ranged(Xtr, bits, Xtr.shape[1], "test")
    return emit.lower(from_sklearn(final, scaling), fm, bits), fm


def _regressors():
    from sklearn import linear_model as lm
    return [lm.ARDRegression(), lm.BayesianRidge(), lm.HuberRegressor(max_iter=1000), lm.Lars(), lm.LarsCV(),
            lm.LassoLars(alpha=0.01), lm.LassoLarsCV(), lm.LassoLarsIC(), lm.LassoCV(random_state=0),
            lm.ElasticNetCV(random_state=0), lm.RidgeCV(), lm.OrthogonalMatchingPursuit(n_nonzero_coefs=5),
            lm.OrthogonalMatchingPursuitCV(), lm.PassiveAggressiveRegressor(random_state=0, max_iter=2000),
            lm.TheilSenRegressor(random_state=0), lm.RANSACRegressor(lm.LinearRegression(), random_state=0),
            lm.PoissonRegressor(alpha=1e-4, max_iter=1000), lm.GammaRegressor(alpha=1e-4, max_iter=1000),
            lm.TweedieRegressor(power=1.5, alpha=1e-4, max_iter=1000), lm.TweedieRegressor(power=0, alpha=1e-3)]


@pytest.mark.parametrize("est", _regressors(), ids=lambda e: type(e).__name__ + getattr(e, "link", ""))
def test_more_linear_regressors_predict_like_scikit_learn(tmp_path, est):
    """float32: within 1e-5 of the largest value; int16 inputs: within 1e-3 (log link: relative)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from ctml_codegen.emit import linear as emit
    Xtr, Xte, ytr, _ = split(datasets.load_diabetes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = make_pipeline(StandardScaler(), est).fit(Xtr, ytr)
    ref = pipe.predict(Xte)
    scale = np.abs(ref).max()
    for bits, tol in ((0, 1e-5), (16, 1e-3)):
        lw, fm = _linear_lowered(pipe, Xtr, bits)
        q = fm.quantize(Xte)
        ours = emit.predict(lw, q)
        theirs = pipe.predict(fm.dequantize(q).astype(np.float64))
        assert np.max(np.abs(ours - theirs)) <= tol * scale, (bits, np.max(np.abs(ours - theirs)) / scale)
    text = convert(pipe, "reg", tmp_path, X_sample=Xtr, X_test=Xte).header.read_text()
    glm_log = type(est).__name__ in ("PoissonRegressor", "GammaRegressor") or getattr(est, "power", 0) > 0
    assert ("link::log" in text) == glm_log


def _classifiers():
    from sklearn import linear_model as lm
    return [("bc", lm.RidgeClassifierCV()), ("iris", lm.RidgeClassifierCV()),
            ("bc", lm.LogisticRegressionCV(max_iter=2000)), ("iris", lm.LogisticRegressionCV(max_iter=2000)),
            ("iris", lm.LogisticRegressionCV(multi_class="ovr", max_iter=2000)),
            ("bc", lm.PassiveAggressiveClassifier(random_state=0)), ("wine", lm.PassiveAggressiveClassifier(random_state=0))]


@pytest.mark.parametrize("dataset, est", _classifiers(), ids=lambda e: e if isinstance(e, str) else type(e).__name__)
def test_more_linear_classifiers_predict_like_scikit_learn(dataset, est):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from ctml_codegen.emit import linear as emit
    loader = {"bc": datasets.load_breast_cancer, "iris": datasets.load_iris, "wine": datasets.load_wine}[dataset]
    Xtr, Xte, ytr, _ = split(loader)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = make_pipeline(StandardScaler(), est).fit(Xtr, ytr)
    lw, fm = _linear_lowered(pipe, Xtr, 0)
    ours = emit.predict(lw, fm.quantize(Xte))
    assert np.array_equal(np.asarray(pipe.classes_)[ours], pipe.predict(Xte))
    d = np.asarray(pipe.decision_function(Xte)).reshape(len(Xte), -1)
    np.testing.assert_allclose(lw.scores(fm.quantize(Xte)), d, rtol=1e-4, atol=1e-4 * np.abs(d).max())


def test_ransac_over_a_non_linear_estimator_is_refused(tmp_path):
    from sklearn import linear_model as lm
    from sklearn.tree import DecisionTreeRegressor
    Xtr, _, ytr, _ = split(datasets.load_diabetes)
    est = lm.RANSACRegressor(DecisionTreeRegressor(max_depth=3), min_samples=50, random_state=0).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="RANSACRegressor over DecisionTreeRegressor is not supported"):
        convert(est, "bad", tmp_path, X_sample=Xtr)
    assert not list(tmp_path.iterdir())


# LightGBM, read from its documented model formats (the tests write the files: LightGBM is not
# packaged for Debian 12, so conformance against LightGBM itself is not run here).

def _with_nan(X, fraction=0.1, seed=0):
    X = np.array(X, dtype=np.float64)
    X[np.random.RandomState(seed).rand(*X.shape) < fraction] = np.nan
    return X


def _ir_raw(forest, X):
    """The Forest IR evaluated in float32: NaN to the node's default child, else x <= threshold left."""
    out = np.zeros((len(X), forest.n_outputs)) + np.asarray(forest.init)
    for t, tree in enumerate(forest.trees):
        for s, row in enumerate(np.asarray(X, dtype=np.float32)):
            i = 0
            while tree.feature[i] >= 0:
                v = row[tree.feature[i]]
                left = tree.default_left[i] if np.isnan(v) else v <= tree.threshold[i]
                i = i + 1 if left else tree.right[i]
            out[s, t % forest.n_outputs] += tree.value[i][0]
    return out


LGB_CASES = [("binary sigmoid:1", "bc", 1, 1), ("binary sigmoid:0.7", "bc", 1, 1), ("multiclass num_class:3", "iris", 3, 3),
             ("regression", "diabetes", 1, 1), ("huber", "diabetes", 1, 1), ("quantile", "diabetes", 1, 1),
             ("poisson", "diabetes", 1, 1), ("gamma", "diabetes", 1, 1), ("tweedie tweedie_variance_power:1.5", "diabetes", 1, 1),
             ("cross_entropy", "bc", 1, 1), ("multiclassova num_class:3 sigmoid:1.5", "iris", 3, 3)]


@pytest.mark.parametrize("objective, dataset, num_class, per_iteration", LGB_CASES)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lightgbm_models_follow_lightgbms_documented_decision_rule(tmp_path, objective, dataset, num_class, per_iteration, fmt):
    import json

    from lightgbm_format import json_model, random_trees, text_model
    from ctml_codegen.frontends.lightgbm import from_lightgbm
    loader = {"bc": datasets.load_breast_cancer, "iris": datasets.load_iris, "diabetes": datasets.load_diabetes}[dataset]
    Xtr, Xte, _, _ = split(loader)
    Xtr, Xte = _with_nan(Xtr), _with_nan(Xte, seed=1)
    trees = random_trees(Xtr, 12 * per_iteration, 4, seed=len(objective))
    args = (trees, objective, Xtr.shape[1], num_class, per_iteration)
    path = tmp_path / ("m.txt" if fmt == "text" else "m.json")
    path.write_text(text_model(*args) if fmt == "text" else json.dumps(json_model(*args)))
    forest, ref = from_lightgbm(str(path))
    X32 = Xte.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(_ir_raw(forest, X32), ref.raw(X32), rtol=0, atol=1e-12)
    assert forest.nan_aware and np.isnan(X32).any()
    r = convert(str(path), "lgb", tmp_path, X_sample=Xtr, X_test=Xte, feature_bits=0)
    vec = r.vectors.read_text()
    assert "expected_score" in vec if objective.startswith(("binary", "multi")) else "expected_value" in vec
    if objective.startswith("binary sigmoid:0.7"):
        assert "proba_gain = 7e-01f" in r.header.read_text()
    header = r.header.read_text()
    name = objective.split()[0]
    assert ("output_link::exp" in header) == (name in ("poisson", "gamma", "tweedie"))
    assert ("output_link::logistic" in header) == (name == "cross_entropy")
    assert ("one_vs_rest = true" in header) == (name == "multiclassova")
    # The reference's documented output transforms.
    raw = ref.raw(X32)
    if name in ("poisson", "gamma", "tweedie"):
        np.testing.assert_allclose(ref.predict(X32), np.exp(raw[:, 0]))
    if name == "cross_entropy":
        np.testing.assert_allclose(ref.predict(X32), 1 / (1 + np.exp(-raw[:, 0])))
    if name == "multiclassova":
        p = ref.predict_proba(X32)
        np.testing.assert_allclose(p, 1 / (1 + np.exp(-1.5 * raw)))
        assert not np.allclose(p.sum(1), 1.0)   # one binary model per class: not normalised


@pytest.mark.parametrize("objective, dataset, num_class", [("binary sigmoid:1", "bc", 1), ("multiclass num_class:3", "iris", 3),
                                                           ("regression", "diabetes", 1)])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lightgbm_rf_averages_its_iterations(tmp_path, objective, dataset, num_class, fmt):
    """boosting='rf' writes average_output: LightGBM divides the raw scores by the number of
    iterations; the IR's leaves carry 1 / iterations, and convert accepts the model."""
    import json

    from lightgbm_format import json_model, random_trees, text_model
    from ctml_codegen.frontends.lightgbm import from_lightgbm
    loader = {"bc": datasets.load_breast_cancer, "iris": datasets.load_iris, "diabetes": datasets.load_diabetes}[dataset]
    Xtr, Xte, _, _ = split(loader)
    trees = random_trees(Xtr, 6 * num_class, 3, seed=7)
    args = (trees, objective, Xtr.shape[1], num_class, num_class)
    path = tmp_path / ("m.txt" if fmt == "text" else "m.json")
    if fmt == "text":
        path.write_text(text_model(*args).replace("objective=", "average_output\nobjective=", 1))
    else:
        path.write_text(json.dumps(dict(json_model(*args), average_output=True)))
    forest, ref = from_lightgbm(str(path))
    X32 = Xte.astype(np.float32).astype(np.float64)
    summed = np.zeros((len(X32), num_class))
    for i, t in enumerate(trees):
        summed[:, i % num_class] += [ref._leaf(t, x) for x in X32]
    np.testing.assert_allclose(ref.raw(X32), summed / 6, rtol=1e-12)
    np.testing.assert_allclose(_ir_raw(forest, X32), ref.raw(X32), rtol=0, atol=1e-12)
    convert(str(path), "lgb", tmp_path, X_sample=Xtr, X_test=Xte, feature_bits=0)


def _lgb_text(tmp_path, decision_type=2, num_cat=0, objective="binary sigmoid:1", extra=""):
    from lightgbm_format import text_model
    t = {"split_feature": [0], "threshold": [0.5], "decision_type": [decision_type], "left_child": [-1],
         "right_child": [-2], "leaf_value": [0.1, -0.2]}
    text = text_model([t], objective, 2).replace("num_cat=0", f"num_cat={num_cat}")
    if extra:
        text = text.replace("objective=", extra + "\nobjective=")
    p = tmp_path / "m.txt"
    p.write_text(text)
    return p


@pytest.mark.parametrize("kw, match", [
    (dict(decision_type=1), "categorical splits are not supported"),
    (dict(decision_type=2 | (1 << 2)), "missing type Zero"),
    (dict(objective="cross_entropy_lambda"), "objective 'cross_entropy_lambda' is not supported"),
    (dict(objective="lambdarank"), "objective 'lambdarank' is not supported"),
])
def test_lightgbm_features_ctml_lacks_are_refused_in_one_line(tmp_path, kw, match):
    p = _lgb_text(tmp_path, **kw)
    out = tmp_path / "out"
    with pytest.raises(ConversionError, match=match) as e:
        convert(str(p), "bad", out)
    assert "\n" not in str(e.value) and not out.exists()


def test_a_truncated_lightgbm_model_is_refused(tmp_path):
    p = _lgb_text(tmp_path)
    p.write_text(p.read_text().split("end of trees")[0])
    with pytest.raises(ConversionError, match="truncated"):
        convert(str(p), "bad", tmp_path / "out")


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_the_cli_converts_lightgbm_text_and_json_models(tmp_path, fmt):
    import json

    from lightgbm_format import json_model, random_trees, text_model
    from ctml_codegen.cli import main
    Xtr, _, _, _ = split(datasets.load_iris)
    args = (random_trees(Xtr, 9, 3, seed=5), "multiclass num_class:3", 4, 3, 3)
    model = tmp_path / f"m.{fmt}"
    model.write_text(text_model(*args) if fmt == "txt" else json.dumps(json_model(*args)))
    np.save(tmp_path / "x.npy", Xtr)
    assert main(["convert", str(model), "--name", "lgb", "--out", str(tmp_path / "out"), "--sample",
                 str(tmp_path / "x.npy")]) == 0
    assert "boosted_classifier" in (tmp_path / "out" / "lgb.hpp").read_text()


def _hist_raw(forest, X):
    """The Forest IR's raw scores by scikit-learn's rule (NaN -> default side, else x <= t)."""
    out = np.tile(np.asarray(forest.init, dtype=np.float64), (len(X), 1))
    for t, tree in enumerate(forest.trees):
        for s, x in enumerate(np.asarray(X, dtype=np.float32)):
            i = 0
            while tree.feature[i] >= 0:
                v = x[tree.feature[i]]
                left = tree.default_left[i] if np.isnan(v) else v <= tree.threshold[i]
                i = i + 1 if left else tree.right[i]
            out[s, t % forest.n_outputs] += tree.value[i][0]
    return out


def test_hist_gradient_boosting_splits_nan_against_numbers_and_refuses_categories(tmp_path):
    """A feature whose NaN cells carry the class makes HistGradientBoosting split NaN against every
    number (num_threshold +inf): ctml keeps that test (a +inf threshold) and its decisions are
    scikit-learn's on float32 inputs, NaN included. Categorical features are refused in one line."""
    from ctml_codegen.frontends.sklearn_trees import from_sklearn
    rng = np.random.RandomState(0)
    X = rng.rand(600, 3).astype(np.float32).astype(np.float64)
    y = ((X[:, 0] > 0.7) | (rng.rand(600) < 0.5)).astype(int)
    X[y == 1, 2] = np.nan   # feature 2: NaN or not is the signal, its numbers are noise
    X[rng.rand(600) < 0.05, 1] = np.nan
    Xtr, Xte, ytr, yte = X[:400], X[400:], y[:400], y[400:]
    for est in (ensemble.HistGradientBoostingClassifier(max_iter=10, random_state=0),
                ensemble.HistGradientBoostingRegressor(max_iter=10, random_state=0)):
        est.fit(Xtr, ytr)
        forest = from_sklearn(est)
        assert any(th == np.inf for t in forest.trees for th in t.threshold)
        raw = _hist_raw(forest, Xte)
        ref = est.decision_function(Xte) if hasattr(est, "decision_function") else est.predict(Xte)
        np.testing.assert_allclose(raw[:, 0], ref, rtol=0, atol=1e-12)
        r = convert(est, "hgb", tmp_path, X_sample=Xtr, X_test=Xte, y_test=None, feature_bits=0)
        assert "std::numeric_limits<float>::infinity()" in r.header.read_text()
    Xc = np.column_stack([rng.randint(0, 4, 300), rng.rand(300)])
    cat = ensemble.HistGradientBoostingClassifier(max_iter=3, categorical_features=[0]).fit(Xc, Xc[:, 0] > 1)
    with pytest.raises(ConversionError, match="categorical_features") as e:
        convert(cat, "cat", tmp_path)
    assert "\n" not in str(e.value) and not (tmp_path / "cat.hpp").exists()
    poisson = ensemble.HistGradientBoostingRegressor(loss="poisson", max_iter=3).fit(Xtr, ytr + 1.0)
    with pytest.raises(ConversionError, match="log link"):
        convert(poisson, "poisson", tmp_path)


@pytest.mark.parametrize("algorithm", ["SAMME", "SAMME.R"])
@pytest.mark.parametrize("loader", [datasets.load_breast_cancer, datasets.load_wine])
@pytest.mark.parametrize("depth", [1, 3])
def test_adaboost_trees_reproduce_scikit_learns_decision_function(algorithm, loader, depth):
    """The Forest IR of an AdaBoostClassifier (binary: one score; K classes: one tree per member
    and class) adds up to scikit-learn's decision_function, on float32 held-out inputs."""
    from sklearn import tree
    from ctml_codegen.emit.trees import leaf_payloads
    from ctml_codegen.frontends.sklearn_trees import from_sklearn
    Xtr, Xte, ytr, yte = split(loader)
    est = ensemble.AdaBoostClassifier(tree.DecisionTreeClassifier(max_depth=depth), n_estimators=25,
                                      algorithm=algorithm, random_state=0).fit(Xtr, ytr)
    forest = from_sklearn(est)
    X = Xte.astype(np.float32)
    acc = np.zeros((len(X), forest.n_outputs))
    for t, tr in enumerate(forest.trees):
        acc[:, t % forest.n_outputs] += [v[0] for v in leaf_payloads(tr, X)]
    want = est.decision_function(X).reshape(len(X), -1)
    assert np.abs(acc - want).max() <= 1e-12 * max(1.0, np.abs(want).max())
    assert len(forest.trees) == len(est.estimators_) * (1 if forest.n_outputs == 1 else forest.n_outputs)


def test_adaboost_a_near_tie_float32_would_flip_is_refused_and_other_kinds_in_one_line(tmp_path):
    """Two trees whose weights float32 cannot tell apart, voting for opposite classes: scikit-learn's
    float64 sum decides, ctml's float32 sum would tie. The converter refuses and writes nothing."""
    from sklearn import linear_model, tree
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    est = ensemble.AdaBoostClassifier(tree.DecisionTreeClassifier(max_depth=1), n_estimators=2, algorithm="SAMME",
                                      random_state=0).fit(Xtr, ytr)
    votes = np.stack([m.predict(Xtr) for m in est.estimators_])
    assert np.any(votes[0] != votes[1])
    # The second tree outweighs the first by 1e-12: wherever they differ, the second one wins.
    est.estimator_weights_ = np.array([1.0, 1.0 + 1e-12])
    with pytest.raises(ConversionError, match=r"float32 score sums pick another class than scikit-learn on \d+ of 426"):
        convert(est, "tie", tmp_path, X_sample=Xtr, feature_bits=0)
    assert not list(tmp_path.iterdir())
    lr = ensemble.AdaBoostClassifier(linear_model.LogisticRegression(max_iter=50), n_estimators=2, algorithm="SAMME")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr.fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="AdaBoostClassifier over LogisticRegression is not supported"):
        convert(lr, "lr", tmp_path, X_sample=Xtr)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
@pytest.mark.parametrize("member", ["DecisionTreeRegressor", "ExtraTreeRegressor"])
@pytest.mark.parametrize("bits", [0, 16, 8])
def test_adaboost_regressor_weighted_median_is_scikit_learns(loss, member, bits, tmp_path):
    """The value trees/regressor.hpp's weighted median returns (integer weights, leaves in float32
    or fixed point; emit.trees.weighted_medians follows the C++ step by step) is scikit-learn's
    AdaBoostRegressor.predict on every held-out input, within the leaf's rounding."""
    from sklearn import tree
    from ctml_codegen.emit import trees as emit_trees
    from ctml_codegen.families.trees import median_disagreements
    from ctml_codegen.frontends.sklearn_trees import from_sklearn
    from ctml_codegen.quantize import features as quantize
    from ctml_codegen.families.trees import _thresholds
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=1)
    est = ensemble.AdaBoostRegressor(getattr(tree, member)(max_depth=4), n_estimators=40, loss=loss,
                                     random_state=0).fit(Xtr, ytr)
    forest = from_sklearn(est)
    lw = emit_trees.lower(forest, quantize.choose(_thresholds(forest), bits, Xtr))
    assert median_disagreements(est, lw, Xte) == 0
    assert median_disagreements(est, lw, Xtr) == 0
    mean = np.average(np.stack([m.predict(Xte) for m in est.estimators_]), axis=0,
                      weights=est.estimator_weights_[:len(est.estimators_)])
    assert np.abs(emit_trees.weighted_medians(lw, Xte) - mean).max() > 1.0   # a median, not a weighted mean
    r = convert(est, "ada", tmp_path, X_sample=Xtr, feature_bits=bits, target="avr", X_test=Xte)
    assert r.ram_bytes >= len(est.estimators_) * 5   # each tree's value and its place in the order


def test_adaboost_regressor_a_weight_tie_integers_cannot_see_is_refused(tmp_path):
    """Two trees whose weights differ by 1e-12: scikit-learn's float64 median takes the heavier one's
    value, ctml's integer weights are equal and take the lower value. Refused, nothing written."""
    from sklearn import linear_model, tree
    X, y = datasets.load_diabetes(return_X_y=True)
    est = ensemble.AdaBoostRegressor(tree.DecisionTreeRegressor(max_depth=2), n_estimators=2, random_state=0).fit(X, y)
    est.estimator_weights_ = np.array([1.0, 1.0 + 1e-12])
    assert len(est.estimators_) == 2
    with pytest.raises(ConversionError, match=r"integer tree weights pick another tree's value than scikit-learn's "
                                              r"weighted median on \d+ of 442 given inputs"):
        convert(est, "tie", tmp_path, X_sample=X, feature_bits=0)
    lr = ensemble.AdaBoostRegressor(linear_model.LinearRegression(), n_estimators=2, random_state=0).fit(X, y)
    with pytest.raises(ConversionError, match="AdaBoostRegressor over LinearRegression is not supported"):
        convert(lr, "lr", tmp_path, X_sample=X)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("bits", [0, 8, 16])
@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_wine])
def test_knn_distance_weights_follow_scikit_learn(p, bits, loader, tmp_path):
    """weights='distance' as knn.hpp computes it (emit.neighbors.LoweredKNN, float64 weights on the
    code-space distances): scikit-learn's class on every held-out input of a scaled k-NN, and
    probabilities within 1e-6 on float inputs wherever the k-th distance is not an exact tie (80 %
    of the inputs here), within the codes' distance error on int8 and int16."""
    from sklearn import neighbors, pipeline, preprocessing
    from ctml_codegen.emit import neighbors as emit_nn
    from ctml_codegen.frontends.sklearn_neighbors import from_sklearn
    Xtr, Xte, ytr, yte = split(loader)
    knn = neighbors.KNeighborsClassifier(5, weights="distance", p=p, algorithm="brute")
    est = pipeline.make_pipeline(preprocessing.StandardScaler(), knn) if bits else knn
    est.fit(Xtr, ytr)
    scaling = None
    if bits:
        from ctml_codegen.ir.common import InputScaling
        sc = est.steps[0][1]
        scaling = InputScaling(tuple(sc.mean_.tolist()), tuple((1.0 / sc.scale_).tolist()))
    lw = emit_nn.lower(from_sklearn(knn, scaling), bits)
    s = lw.predict(lw.fmap.quantize(Xte), scores=True)
    assert np.array_equal(np.argmax(s, 1), est.predict(Xte))
    ref = est.predict_proba(Xte)
    err = np.abs(s / s.sum(1, keepdims=True) - ref).max(1)
    # Float: exact but for k-th ties; codes: the quantized distances' error (int8 ~1 %).
    assert np.quantile(err, 0.8) <= {0: 1e-6, 16: 1e-4, 8: 1e-2}[bits]
    if bits == 16:
        assert err.max() <= 1e-3
    r = convert(est, "knn", tmp_path, X_sample=Xtr, feature_bits=bits, X_test=Xte, target="avr")
    assert "distance_weights = true" in r.header.read_text()


def test_knn_distance_regressor_and_refusals(tmp_path):
    """KNeighborsRegressor(weights='distance'): sum(w y) / sum(w) within 1e-6 relative on float
    inputs; a near tie of the weighted vote and a callable weight are refused in one line."""
    from sklearn import neighbors
    from ctml_codegen.emit import neighbors as emit_nn
    from ctml_codegen.frontends.sklearn_neighbors import from_sklearn
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    for p in (1, 2):
        est = neighbors.KNeighborsRegressor(4, weights="distance", p=p, algorithm="brute").fit(Xtr, ytr)
        lw = emit_nn.lower(from_sklearn(est, None), 0)
        got = lw.predict(lw.fmap.quantize(Xte))
        assert np.abs(got - est.predict(Xte)).max() <= 1e-6 * np.abs(ytr).max()
        # The training points themselves: distance 0 to one sample, whose target is the answer.
        assert np.allclose(lw.predict(lw.fmap.quantize(Xtr)), ytr, rtol=1e-6)
    # Two training points equally far from every query on the line between them: an exact tie.
    Xt = np.array([[0.0], [2.0]])
    tie = neighbors.KNeighborsClassifier(2, weights="distance", algorithm="brute").fit(Xt, [0, 1])
    with pytest.raises(ConversionError, match=r"weights='distance': on 1 of 1 given inputs ctml's weighted vote"):
        convert(tie, "tie", tmp_path, X_sample=np.array([[1.0]]), feature_bits=0)
    odd = neighbors.KNeighborsClassifier(2, weights=lambda d: d).fit(Xt, [0, 1])
    with pytest.raises(ConversionError, match="weights=<function"):
        convert(odd, "odd", tmp_path, X_sample=Xt)
    assert not list(tmp_path.iterdir())


def _voting_cases():
    from sklearn import linear_model, tree
    import xgboost as xgb
    yield "trees", lambda: ensemble.VotingRegressor([
        ("rf", ensemble.RandomForestRegressor(n_estimators=4, max_depth=4, random_state=0)),
        ("et", ensemble.ExtraTreesRegressor(n_estimators=3, max_depth=4, random_state=0)),
        ("gb", ensemble.GradientBoostingRegressor(n_estimators=10, max_depth=3, random_state=0)),
        ("dt", tree.DecisionTreeRegressor(max_depth=5, random_state=0))], weights=[1, 0.5, 2, 0.25])
    yield "hist_xgb", lambda: ensemble.VotingRegressor([
        ("hgb", ensemble.HistGradientBoostingRegressor(max_iter=10, random_state=0)),
        ("xgb", xgb.XGBRegressor(n_estimators=10, max_depth=3)), ("drop", "drop")])
    yield "linear", lambda: ensemble.VotingRegressor([
        ("ridge", linear_model.Ridge()), ("lasso", linear_model.Lasso(alpha=0.1)),
        ("huber", linear_model.HuberRegressor(max_iter=1000)), ("sgd", linear_model.SGDRegressor(random_state=0))],
        weights=[3, 1, 1, 0.5])
    yield "stacking_trees", lambda: ensemble.StackingRegressor([
        ("rf", ensemble.RandomForestRegressor(n_estimators=4, max_depth=4, random_state=0)),
        ("gb", ensemble.GradientBoostingRegressor(n_estimators=10, max_depth=3, random_state=0)), ("drop", "drop")])
    yield "stacking_linear", lambda: ensemble.StackingRegressor([
        ("ridge", linear_model.Ridge()), ("lars", linear_model.LassoLars(alpha=0.01))],
        final_estimator=linear_model.LinearRegression(), passthrough=True)


@pytest.mark.parametrize("case", [c for c, _ in _voting_cases()])
def test_voting_regressor_folds_into_one_model_of_its_family(case, tmp_path):
    """The folded IR (one forest: leaves times each member's coefficient; or one weight vector)
    gives scikit-learn's VotingRegressor.predict (np.average with the weights) or
    StackingRegressor.predict (the linear final estimator on the members' predictions, and on the
    inputs with passthrough) within 1e-9 relative
    (1e-6 with an XGBoost member, whose own sums are float32)."""
    from sklearn import pipeline, preprocessing
    from ctml_codegen.emit.trees import leaf_payloads
    from ctml_codegen.frontends import sklearn_voting
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    est = dict(_voting_cases())[case]()
    if case.endswith("linear"):
        est = pipeline.make_pipeline(preprocessing.StandardScaler(), est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(Xtr, ytr)
    want = est.predict(Xte)
    if case.endswith("linear"):
        from ctml_codegen.frontends.sklearn_pipeline import split
        scaling, final = split(est)
        w, b = sklearn_voting.fold_linear(final, scaling).folded()
        got = Xte @ w[0] + b[0]
    else:
        forest = sklearn_voting.fold_trees(est)
        X32 = Xte.astype(np.float32)
        got = np.full(len(X32), forest.init[0])
        for t in forest.trees:
            got += [v[0] for v in leaf_payloads(t, X32)]
    tol = 1e-6 if case == "hist_xgb" else 1e-9   # XGBoost adds its trees in float32
    assert np.abs(got - want).max() <= tol * np.abs(want).max()
    r = convert(est, "vote", tmp_path, X_sample=Xtr, feature_bits=16, X_test=Xte, target="avr")
    assert ("Stacking" if case.startswith("stacking") else "Voting") + "Regressor" in r.header.read_text()


@pytest.mark.parametrize("loader", [datasets.load_breast_cancer, datasets.load_iris, datasets.load_wine])
def test_soft_voting_classifier_folds_into_one_forest_of_probabilities(loader, tmp_path):
    """VotingClassifier(voting='soft') over DecisionTree, RandomForest and ExtraTrees classifiers:
    the folded forest's scores are scikit-learn's predict_proba (binary: p1 - p0) within 1e-12."""
    from sklearn import tree
    from ctml_codegen.emit.trees import leaf_payloads
    from ctml_codegen.frontends import sklearn_voting
    Xtr, Xte, ytr, yte = split(loader)
    est = ensemble.VotingClassifier([
        ("rf", ensemble.RandomForestClassifier(n_estimators=4, max_depth=5, random_state=0)),
        ("et", ensemble.ExtraTreesClassifier(n_estimators=3, max_depth=5, random_state=0)),
        ("dt", tree.DecisionTreeClassifier(max_depth=4, random_state=0)), ("x", "drop")],
        voting="soft", weights=[3, 1, 0.5, 1]).fit(Xtr, ytr)
    forest = sklearn_voting.fold_soft_trees(est)
    X32 = Xte.astype(np.float32)
    acc = np.zeros((len(X32), forest.n_outputs))
    for t, tr in enumerate(forest.trees):
        acc[:, t % forest.n_outputs] += [v[0] for v in leaf_payloads(tr, X32)]
    p = est.predict_proba(X32.astype(np.float64))
    want = p[:, 1:] - p[:, :1] if p.shape[1] == 2 else p
    assert np.abs(acc - want).max() <= 1e-12
    r = convert(est, "soft", tmp_path, X_sample=Xtr, feature_bits=16, X_test=Xte, target="avr")
    assert "proba_linear = true" in r.header.read_text()


def test_voting_regressor_refusals_are_one_line(tmp_path):
    """Mixed families, a log link, a median member, a Pipeline member and the classifier kinds are
    refused in one line, and nothing is written."""
    from sklearn import linear_model, pipeline, preprocessing, tree
    X, y = datasets.load_diabetes(return_X_y=True)
    cases = [
        (ensemble.VotingRegressor([("r", linear_model.Ridge()), ("t", tree.DecisionTreeRegressor())]),
         "mixing linear and tree regressors"),
        (ensemble.VotingRegressor([("p", linear_model.PoissonRegressor()), ("r", linear_model.Ridge())]), "log link"),
        (ensemble.VotingRegressor([("a", ensemble.AdaBoostRegressor(n_estimators=2)), ("t", tree.DecisionTreeRegressor())]),
         "VotingRegressor over AdaBoostRegressor is not supported"),
        (ensemble.VotingRegressor([("p", pipeline.make_pipeline(preprocessing.StandardScaler(), linear_model.Ridge())),
                                   ("r", linear_model.Ridge())]), "member that is a Pipeline"),
        (ensemble.VotingRegressor([("r", linear_model.Ridge()), ("t", linear_model.Lasso())]), "not fitted"),
        (ensemble.StackingRegressor([("t", tree.DecisionTreeRegressor(max_depth=2))], passthrough=True),
         "over trees with passthrough=True"),
        (ensemble.StackingRegressor([("r", linear_model.Ridge())], final_estimator=tree.DecisionTreeRegressor()),
         "final_estimator DecisionTreeRegressor is not supported"),
    ]
    for est, match in cases:
        if match != "not fitted":
            est.fit(X, y)
        with pytest.raises(ConversionError, match=match):
            convert(est, "v", tmp_path, X_sample=X)
    Xc, yc = datasets.load_iris(return_X_y=True)
    vc = ensemble.VotingClassifier([("t", tree.DecisionTreeClassifier()), ("l", linear_model.LogisticRegression(max_iter=1000))]).fit(Xc, yc)
    with pytest.raises(ConversionError, match="voting='hard'\) is not supported"):
        convert(vc, "vc", tmp_path, X_sample=Xc)
    vc.set_params(voting="soft").fit(Xc, yc)
    with pytest.raises(ConversionError, match="VotingClassifier over LogisticRegression is not supported"):
        convert(vc, "vc", tmp_path, X_sample=Xc)
    sc = ensemble.StackingClassifier([("t", tree.DecisionTreeClassifier())]).fit(Xc, yc)
    with pytest.raises(ConversionError, match="StackingClassifier .* is not supported"):
        convert(sc, "sc", tmp_path, X_sample=Xc)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("make, loader", [
    (lambda xgb: xgb.XGBClassifier(booster="gblinear", n_estimators=20), datasets.load_breast_cancer),
    (lambda xgb: xgb.XGBClassifier(booster="gblinear", n_estimators=20, base_score=0.3), datasets.load_breast_cancer),
    (lambda xgb: xgb.XGBClassifier(booster="gblinear", n_estimators=20), datasets.load_wine),
    (lambda xgb: xgb.XGBRegressor(booster="gblinear", n_estimators=20), datasets.load_diabetes),
])
def test_xgboost_gblinear_weights_give_xgboosts_margins(make, loader):
    """weights[f * k + g] and the biases after them, plus base_score in margin space (logit for
    binary:logistic), give XGBoost's output_margin on float32 inputs."""
    import xgboost as xgb
    from ctml_codegen.frontends.xgboost_linear import from_xgboost
    Xtr, Xte, ytr, yte = split(loader)
    est = make(xgb).set_params(random_state=0, n_jobs=1).fit(Xtr, ytr)
    model, reference = from_xgboost(est)
    X = Xte.astype(np.float32).astype(np.float64)
    ours = X @ np.asarray(model.coef).T + np.asarray(model.intercept)
    theirs = est.predict(Xte.astype(np.float32), output_margin=True).reshape(len(X), -1)
    assert np.abs(ours - theirs).max() <= 1e-5 * max(1.0, np.abs(theirs).max())
    if model.kind == "classifier":
        assert np.array_equal(reference.classes(Xte), model_classes(est, Xte))


def model_classes(est, X):
    return np.searchsorted(est.classes_, est.predict(X.astype(np.float32)))


def test_xgboost_gblinear_refusals_are_one_line(tmp_path):
    import xgboost as xgb
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    Xtr, Xte, ytr, yte = split(datasets.load_diabetes)
    est = xgb.XGBRegressor(booster="gblinear", objective="count:poisson", n_estimators=5).fit(Xtr, np.abs(ytr))
    with pytest.raises(ConversionError, match="objective count:poisson is not supported with gblinear"):
        convert(est, "p", tmp_path, X_sample=Xtr)
    p = make_pipeline(StandardScaler(), xgb.XGBRegressor(booster="gblinear", n_estimators=5)).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="convert the XGBoost model alone"):
        convert(p, "p", tmp_path, X_sample=Xtr)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_wine])
@pytest.mark.parametrize("kind", ["rf", "parallel"])
def test_xgboost_parallel_trees_on_several_classes_sum_to_xgboosts_margins(loader, kind):
    """XGBRFClassifier (and num_parallel_tree > 1) write a block of trees per class and round;
    interleaved so that tree t adds to class t % k, each class keeps XGBoost's order."""
    import xgboost as xgb
    from ctml_codegen.emit.trees import leaf_payloads
    from ctml_codegen.frontends.xgboost_trees import from_xgboost
    Xtr, Xte, ytr, yte = split(loader)
    est = (xgb.XGBRFClassifier(n_estimators=6, max_depth=3) if kind == "rf" else
           xgb.XGBClassifier(n_estimators=4, max_depth=2, num_parallel_tree=3)).set_params(random_state=0, n_jobs=1)
    est.fit(Xtr, ytr)
    forest = from_xgboost(est)
    X = Xte.astype(np.float32)
    acc = np.tile(np.asarray(forest.init, dtype=np.float64), (len(X), 1))
    for t, tr in enumerate(forest.trees):
        acc[:, t % forest.n_outputs] += [v[0] for v in leaf_payloads(tr, X)]
    theirs = est.predict(X, output_margin=True).reshape(len(X), -1)
    assert forest.n_outputs == len(est.classes_)
    assert np.abs(acc - theirs).max() <= 1e-5


@pytest.mark.parametrize("kind", ["GaussianMixture", "BayesianGaussianMixture"])
@pytest.mark.parametrize("cov", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("loader", [datasets.load_iris, datasets.load_wine, datasets.load_breast_cancer])
def test_gaussian_mixture_scores_are_scikit_learns(kind, cov, loader, tmp_path):
    """The Mixture IR in float32, as gaussian_mixture.hpp computes it, gives scikit-learn's
    _estimate_weighted_log_prob within 3e-6 of its magnitude and the same component on every input."""
    from sklearn import mixture
    from ctml_codegen.emit import mixture as emit_mix
    from ctml_codegen.frontends.sklearn_mixture import from_sklearn
    Xtr, Xte, _, _ = split(loader)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # BayesianGaussianMixture: not converged within max_iter
        est = getattr(mixture, kind)(n_components=3, covariance_type=cov, random_state=0).fit(Xtr)
    m = from_sklearn(est)
    s = emit_mix.scores(m, Xte).astype(np.float64)
    ref = est._estimate_weighted_log_prob(Xte)
    assert np.abs(s - ref).max() <= 3e-6 * np.abs(ref).max()
    assert np.array_equal(np.argmax(s, 1), est.predict(Xte))
    r = convert(est, "gmm", tmp_path, X_sample=Xtr, X_test=Xte, target="avr")
    assert "ctml::mixture::gaussian_mixture" in r.header.read_text()


def test_elliptic_envelope_and_mixture_refusals(tmp_path):
    """EllipticEnvelope: -Mahalanobis - offset_ within 1e-5 of its scale and scikit-learn's
    inliers; a mixture behind a scaler, on integer codes, or unfitted is refused in one line."""
    from sklearn import covariance, mixture, pipeline, preprocessing
    from ctml_codegen.emit import mixture as emit_mix
    from ctml_codegen.frontends.sklearn_mixture import from_sklearn
    for loader in (datasets.load_iris, datasets.load_wine, datasets.load_breast_cancer):
        Xtr, Xte, _, _ = split(loader)
        ee = covariance.EllipticEnvelope(random_state=0).fit(Xtr)
        s = emit_mix.scores(from_sklearn(ee), Xte)[:, 0].astype(np.float64)
        ref = ee.decision_function(Xte)
        # Raw breast cancer (features from 1e-3 to 1e3) is the worst conditioned: 2e-6 there.
        assert np.all(np.abs(s - ref) <= 1e-5 * (np.abs(ref) + abs(ee.offset_)))
        assert np.array_equal(np.where(s >= 0, 1, -1), ee.predict(Xte))
    X, _ = datasets.load_iris(return_X_y=True)
    g = mixture.GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ConversionError, match="takes float inputs"):
        convert(g, "g", tmp_path, X_sample=X, feature_bits=16)
    with pytest.raises(ConversionError, match="in a Pipeline is not supported"):
        convert(pipeline.make_pipeline(preprocessing.StandardScaler(), mixture.GaussianMixture(2)).fit(X), "g",
                tmp_path, X_sample=X)
    with pytest.raises(ConversionError, match="not fitted"):
        convert(mixture.GaussianMixture(2), "g", tmp_path)
    # Two components with the same mean and covariance: every input is an exact tie.
    twin = mixture.GaussianMixture(2, random_state=0).fit(X)
    twin.means_ = np.stack([twin.means_[0]] * 2)
    twin.precisions_cholesky_ = np.stack([twin.precisions_cholesky_[0]] * 2)
    twin.weights_ = np.array([0.5, 0.5])
    with pytest.raises(ConversionError, match=r"within 1e-4 of a tie"):
        convert(twin, "g", tmp_path, X_sample=X)
    assert not list(tmp_path.iterdir())
