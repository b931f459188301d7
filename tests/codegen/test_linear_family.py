"""Codegen for linear models, Gaussian naive Bayes and k-NN: what the emitted arithmetic computes
(emulated here exactly as the C++ does it) against scikit-learn on held-out data, Pipeline scaling
folded once, and clear refusals that write nothing."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn import datasets, linear_model, naive_bayes, neighbors, svm
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler

from ctml_codegen import ConversionError, convert
from ctml_codegen.emit import bayes as emit_bayes
from ctml_codegen.emit import linear as emit_linear
from ctml_codegen.emit import neighbors as emit_knn
from ctml_codegen.frontends.sklearn_bayes import from_sklearn as bayes_ir
from ctml_codegen.frontends.sklearn_linear import from_sklearn as linear_ir
from ctml_codegen.frontends.sklearn_neighbors import from_sklearn as knn_ir
from ctml_codegen.frontends.sklearn_pipeline import split
from ctml_codegen.emit.model_io import ranged
from ctml_codegen.quantize.features import FeatureMap


def data(name):
    X, y = {"bc": datasets.load_breast_cancer, "iris": datasets.load_iris, "wine": datasets.load_wine,
            "diabetes": datasets.load_diabetes}[name](return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def lowered(est, Xtr, bits):
    scaling, final = split(est)
    model = linear_ir(final, scaling)
    fm = FeatureMap(0) if bits == 0 else ranged(Xtr, bits, Xtr.shape[1], "test")
    return emit_linear.lower(model, fm, bits if bits else 0), fm


CLASSIFIERS = [
    ("bc", lambda: linear_model.LogisticRegression(max_iter=5000)),
    ("iris", lambda: linear_model.LogisticRegression(max_iter=5000)),
    ("iris", lambda: linear_model.LogisticRegression(multi_class="ovr", max_iter=5000)),
    ("wine", lambda: linear_model.LogisticRegression(solver="liblinear", class_weight="balanced")),
    ("bc", lambda: svm.LinearSVC(random_state=0)),
    ("wine", lambda: svm.LinearSVC(multi_class="crammer_singer", random_state=0)),
    ("iris", lambda: linear_model.SGDClassifier(random_state=0)),
    ("iris", lambda: linear_model.SGDClassifier(loss="log_loss", random_state=0)),
    ("bc", lambda: linear_model.SGDClassifier(loss="modified_huber", random_state=0)),
    ("wine", lambda: linear_model.Perceptron(random_state=0)),
    ("iris", lambda: linear_model.RidgeClassifier()),
]


@pytest.mark.parametrize("dataset,make", CLASSIFIERS)
@pytest.mark.parametrize("scaler", [StandardScaler, MinMaxScaler, MaxAbsScaler])
def test_linear_classifiers_predict_like_scikit_learn(dataset, make, scaler):
    Xtr, Xte, ytr, _ = data(dataset)
    est = make_pipeline(scaler(), make()).fit(Xtr, ytr)
    lw, fm = lowered(est, Xtr, 0)
    X32 = Xte.astype(np.float32).astype(np.float64)
    ref = est.decision_function(X32).reshape(len(Xte), -1)
    np.testing.assert_allclose(lw.scores(fm.quantize(Xte)), ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    classes = np.searchsorted(est.classes_, est.predict(X32))
    assert np.array_equal(emit_linear.predict(lw, fm.quantize(Xte)), classes)
    lw, fm = lowered(est, Xtr, 16)
    q = fm.quantize(Xte)
    deq = fm.dequantize(q).astype(np.float64)
    agree = np.mean(emit_linear.predict(lw, q) == np.searchsorted(est.classes_, est.predict(deq)))
    assert agree >= 0.99


@pytest.mark.parametrize("make", [linear_model.LinearRegression, lambda: linear_model.Ridge(alpha=0.5),
                                  lambda: linear_model.Lasso(alpha=0.1), lambda: linear_model.ElasticNet(alpha=0.01),
                                  lambda: svm.LinearSVR(random_state=0, max_iter=100000),
                                  lambda: linear_model.SGDRegressor(random_state=0)])
def test_linear_regressors_predict_like_scikit_learn(make):
    Xtr, Xte, ytr, _ = data("diabetes")
    est = make_pipeline(StandardScaler(), make()).fit(Xtr, ytr)
    for bits, tol in ((0, 1e-4), (16, 2e-3), (8, 0.05)):
        lw, fm = lowered(est, Xtr, bits)
        q = fm.quantize(Xte)
        ref = est.predict(fm.dequantize(q).astype(np.float64))
        err = np.abs(emit_linear.predict(lw, q) - ref) / np.maximum(1, np.abs(ref))
        assert err.max() < tol, (bits, err.max())


def test_scaling_is_folded_into_the_weights_once():
    Xtr, _, ytr, _ = data("bc")
    est = make_pipeline(StandardScaler(), svm.LinearSVC(random_state=0)).fit(Xtr, ytr)
    lw, _ = lowered(est, Xtr, 0)
    k = 1 / est[0].scale_
    np.testing.assert_allclose(lw.weights[0], (est[-1].coef_[0] * k).astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(lw.bias[0], est[-1].intercept_[0] - est[-1].coef_[0] @ (k * est[0].mean_), rtol=1e-5)


def test_integer_weights_keep_the_accumulator_in_int32():
    Xtr, _, ytr, _ = data("bc")
    est = make_pipeline(StandardScaler(), svm.LinearSVC(random_state=0)).fit(Xtr, ytr)
    for bits in (8, 16):
        lw, fm = lowered(est, Xtr, bits)
        bound = np.abs(lw.weights).sum(1) * -fm.qmin + np.abs(lw.bias)
        assert bound.max() <= 2 ** 31 - 1
        assert np.abs(lw.weights).max() <= 2 ** (bits - 1) - 1 or bits == 8


def test_int8_weights_are_used_only_when_they_change_no_sample_prediction(tmp_path):
    Xtr, Xte, ytr, _ = data("bc")
    est = make_pipeline(StandardScaler(), svm.LinearSVC(random_state=0)).fit(Xtr, ytr)
    convert(est, "m8", tmp_path, X_sample=Xtr, feature_bits=8)
    text = (tmp_path / "m8.hpp").read_text()
    assert "using weight_type = std::int8_t;" in text or "using weight_type = std::int16_t;" in text
    lw8, fm = lowered(est, Xtr, 8)
    lw16 = emit_linear.lower(lw8.model, fm, 16)
    same = np.array_equal(emit_linear.predict(lw8, fm.quantize(Xtr)), emit_linear.predict(lw16, fm.quantize(Xtr)))
    assert ("std::int8_t;" in text.split("using weight_type = ")[1][:12]) == same


@pytest.mark.parametrize("bits", [0, 16, 8])
@pytest.mark.parametrize("scaled", [False, True])
def test_gaussian_nb_predicts_like_scikit_learn(bits, scaled):
    Xtr, Xte, ytr, _ = data("wine")
    est = make_pipeline(StandardScaler(), naive_bayes.GaussianNB()) if scaled else naive_bayes.GaussianNB()
    est.fit(Xtr, ytr)
    scaling, final = split(est)
    fm = FeatureMap(0) if bits == 0 else ranged(Xtr, bits, Xtr.shape[1], "test")
    lw = emit_bayes.lower(bayes_ir(final, scaling), fm)
    q = fm.quantize(Xte)
    deq = fm.dequantize(q).astype(np.float64)
    assert np.array_equal(lw.predict(q), est.predict(deq))
    jll = lw.jll(q).astype(np.float64) * (1.0 if bits == 0 else 2.0 ** -lw.frac_bits)
    ref = final._joint_log_likelihood(est[:-1].transform(deq) if scaled else deq)
    np.testing.assert_allclose(jll, ref, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("metric,p", [("minkowski", 2), ("minkowski", 1), ("euclidean", 2), ("manhattan", 2)])
@pytest.mark.parametrize("bits", [0, 8, 16])
def test_knn_classes_agree_with_brute_force_scikit_learn(metric, p, bits):
    Xtr, Xte, ytr, _ = data("iris")
    est = neighbors.KNeighborsClassifier(n_neighbors=5, metric=metric, p=p, algorithm="brute").fit(Xtr, ytr)
    lw = emit_knn.lower(knn_ir(est, None), bits)
    q = lw.fmap.quantize(Xte)
    assert np.array_equal(lw.predict(q), est.predict(lw.fmap.dequantize(q).astype(np.float64)))


def test_knn_behind_a_scaler_folds_the_scaling_into_the_codes():
    Xtr, Xte, ytr, _ = data("wine")
    est = make_pipeline(StandardScaler(), neighbors.KNeighborsClassifier(n_neighbors=3, algorithm="brute")).fit(Xtr, ytr)
    scaling, final = split(est)
    lw = emit_knn.lower(knn_ir(final, scaling), 16)
    assert len(set(np.float32(np.asarray(lw.fmap.scale)) * np.float32(est[0].scale_))) > 0
    q = lw.fmap.quantize(Xte)
    agree = np.mean(lw.predict(q) == est.predict(lw.fmap.dequantize(q).astype(np.float64)))
    assert agree >= 0.97


def test_knn_regressor_means_the_k_nearest_targets():
    Xtr, Xte, ytr, _ = data("diabetes")
    est = neighbors.KNeighborsRegressor(n_neighbors=4, algorithm="brute", p=1).fit(Xtr, ytr)
    lw = emit_knn.lower(knn_ir(est, None), 0)
    q = lw.fmap.quantize(Xte)
    np.testing.assert_allclose(lw.predict(q), est.predict(q.astype(np.float64)), rtol=1e-5)


def _refused(tmp_path, est, match, **kw):
    with pytest.raises(ConversionError, match=match):
        convert(est, "bad", tmp_path, **kw)
    assert not list(tmp_path.iterdir())


def test_unsupported_options_are_refused_with_the_supported_list(tmp_path):
    Xtr, _, ytr, _ = data("iris")
    _refused(tmp_path, neighbors.KNeighborsClassifier(metric="chebyshev", algorithm="brute").fit(Xtr, ytr),
             r"chebyshev.*supported: minkowski with p=1 or p=2, euclidean, manhattan")
    _refused(tmp_path, neighbors.KNeighborsClassifier(p=3).fit(Xtr, ytr), "supported: minkowski with p=1 or p=2")
    _refused(tmp_path, neighbors.KNeighborsClassifier(weights=lambda d: 1 / (1 + d)).fit(Xtr, ytr),
             "supported: weights='uniform' or 'distance'")
    _refused(tmp_path, make_pipeline(StandardScaler(), neighbors.KNeighborsClassifier()).fit(Xtr, ytr),
             "feature_bits 8 or 16", feature_bits=0)
    sp = linear_model.SGDClassifier(random_state=0).fit(Xtr, ytr)
    sp.sparsify()
    _refused(tmp_path, sp, "densify")
    Xd, _, yd, _ = data("diabetes")
    _refused(tmp_path, linear_model.Ridge().fit(Xd, np.c_[yd, yd]), "fit one model per target")
    _refused(tmp_path, linear_model.LogisticRegression(max_iter=1000).fit(Xtr, ytr), "X_sample", feature_bits=16)
    _refused(tmp_path, linear_model.LogisticRegression(), "not fitted")
    _refused(tmp_path, naive_bayes.GaussianNB(), "not fitted")
    nb = naive_bayes.GaussianNB().fit(Xtr, ytr)
    nb.class_prior_ = np.array([0.0, 0.5, 0.5])
    _refused(tmp_path, nb, "prior 0")
    lr = linear_model.LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    lr.coef_[0, 0] = np.nan
    _refused(tmp_path, lr, "NaN")


def test_a_whole_pipeline_converts_into_one_header(tmp_path):
    Xtr, Xte, ytr, yte = data("iris")
    est = make_pipeline(MinMaxScaler(), StandardScaler(), linear_model.LogisticRegression()).fit(Xtr, ytr)
    r = convert(est, "pipe", tmp_path, X_sample=Xtr, X_test=Xte, y_test=yte, feature_bits=16)
    text = r.header.read_text()
    assert "folded into the weights and the input codes" in text and "proba::softmax" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.hpp", "pipe_vectors.hpp"]
