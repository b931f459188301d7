"""Kernel machines in codegen: clear errors that write nothing, libsvm's layout and vote rule
checked against scikit-learn itself, and the integer path's quantization end to end."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets, svm
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ctml_codegen import ConversionError, convert
from ctml_codegen.emit import svm as emit_svm
from ctml_codegen.frontends.sklearn_pipeline import split
from ctml_codegen.frontends.sklearn_svm import from_sklearn, kernel_matrix


def iris():
    X, y = datasets.load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@pytest.mark.parametrize("kernel", ["precomputed", "callable"])
def test_an_unsupported_kernel_is_refused_naming_the_supported_ones(tmp_path, kernel):
    Xtr, _, ytr, _ = iris()
    if kernel == "precomputed":
        est = svm.SVC(kernel="precomputed").fit(Xtr @ Xtr.T, ytr)
    else:
        est = svm.SVC(kernel=lambda a, b: a @ b.T).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="'linear', 'poly', 'rbf', 'sigmoid'"):
        convert(est, "bad", tmp_path)
    assert not list(tmp_path.iterdir())


def test_nan_in_the_support_vectors_is_refused(tmp_path):
    Xtr, _, ytr, _ = iris()
    est = svm.SVC().fit(Xtr, ytr)
    est.support_vectors_[3, 1] = np.nan
    with pytest.raises(ConversionError, match="support vectors contain NaN"):
        convert(est, "bad", tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("est", [svm.SVC(), svm.NuSVR(), svm.OneClassSVM()])
def test_an_unfitted_kernel_machine_is_refused(tmp_path, est):
    with pytest.raises(ConversionError, match="not fitted"):
        convert(est, "bad", tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_integer_path_refuses_the_poly_kernel_and_says_to_use_float(tmp_path):
    Xtr, _, ytr, _ = iris()
    est = svm.SVC(kernel="poly").fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="feature_bits=0"):
        convert(est, "bad", tmp_path, X_sample=Xtr, feature_bits=16)
    assert not list(tmp_path.iterdir())
    assert convert(est, "ok", tmp_path).header.exists()   # automatic: float for poly


def _libsvm(km, Z):
    """libsvm's one-vs-one decision values and vote, from the IR (float64)."""
    K = kernel_matrix(km, Z)
    coef = np.asarray(km.coef)
    dec = np.zeros((len(Z), len(km.intercept)))
    for p, entries in enumerate(emit_svm.contributions(km)):
        dec[:, p] = sum(coef[r, i] * K[:, i] for r, i, _ in entries) + km.intercept[p]
    return dec


@pytest.mark.parametrize("make", [lambda: svm.SVC(kernel="rbf"), lambda: svm.NuSVC(kernel="poly", degree=2),
                                  lambda: svm.SVC(kernel="sigmoid", gamma=0.01, coef0=-1.0), lambda: svm.SVC(kernel="linear")])
def test_the_ir_reproduces_scikit_learns_ovo_decision_values(make):
    Xtr, Xte, ytr, _ = iris()
    est = make().fit(Xtr, ytr)
    dec = _libsvm(from_sklearn(est), Xte)
    est.decision_function_shape = "ovo"
    np.testing.assert_allclose(dec, est.decision_function(Xte), rtol=1e-9, atol=1e-9)


def test_binary_svc_keeps_libsvms_sign_while_scikit_learn_flips_it():
    Xtr, Xte, ytr, _ = iris()
    keep = ytr < 2
    est = svm.SVC().fit(Xtr[keep], ytr[keep])
    dec = _libsvm(from_sklearn(est), Xte)[:, 0]
    np.testing.assert_allclose(-dec, est.decision_function(Xte), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(np.where(dec > 0, 0, 1), est.predict(Xte))


def test_scikit_learn_breaks_a_three_way_vote_tie_to_the_lowest_class():
    """The rule ctml's svc::predict implements (tests/host/test_svm.cpp pins the C++ side)."""
    rs = np.random.RandomState(0)
    # Unequal spreads and a soft margin: the three pairwise lines leave a small triangle where
    # each class wins one pair.
    X = np.vstack([rs.randn(30, 2) * s + c for c, s in (([0, 3], 0.5), ([2.6, -1.5], 2.0), ([-2.6, -1.5], 1.0))])
    y = np.repeat([0, 1, 2], 30)
    est = svm.SVC(kernel="linear", C=0.05, decision_function_shape="ovo").fit(X, y)
    P = rs.uniform(-4, 4, (100000, 2))
    d = est.decision_function(P)   # pairs (0,1), (0,2), (1,2); > 0 votes for the first
    cycle = ((d[:, 0] > 0) & (d[:, 1] <= 0) & (d[:, 2] > 0)) | ((d[:, 0] <= 0) & (d[:, 1] > 0) & (d[:, 2] <= 0))
    assert cycle.sum() > 0, "no tied sample found"
    assert np.all(est.predict(P[cycle]) == 0)


def test_integer_rbf_svc_on_raw_inputs_agrees_with_scikit_learn():
    """Quantized inputs, support vectors, rbf scaling and coefficients (float64 emulation of the
    integer arithmetic, up to exp's rounding): >= 99 % of held-out iris, through a Pipeline."""
    Xtr, Xte, ytr, yte = iris()
    p = make_pipeline(StandardScaler(), svm.SVC()).fit(Xtr, ytr)
    scaling, final = split(p)
    km = from_sklearn(final)
    lw = emit_svm.lower(km, scaling, 16, Xtr)
    q = lw.fmap.quantize(Xte).astype(np.int64)
    sv = np.asarray(lw.sv, dtype=np.int64)
    d2 = ((q[:, None, :] - sv[None, :, :]) ** 2).sum(-1)
    t = np.floor(np.floor(d2 / 2 ** (lw.sq_shift + lw.d2_shift) + 0.5) * lw.t_mul / 2 ** 14 + 0.5)
    K = np.round(32768 * np.exp(-t / 4096))
    dec = np.zeros((len(q), 3))
    for pi, entries in enumerate(emit_svm.contributions(km)):
        dec[:, pi] = sum(lw.coef[r, i] * K[:, i] for r, i, _ in entries) + lw.intercept[pi]
    votes = np.zeros((len(q), 3), dtype=int)
    for pi, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
        votes[dec[:, pi] > 0, i] += 1
        votes[dec[:, pi] <= 0, j] += 1
    agree = np.mean(votes.argmax(1) == p.predict(Xte))
    assert agree >= 0.99
    ref = _libsvm(km, scaling.apply(Xte))
    np.testing.assert_allclose(dec * lw.out_scale, ref, atol=2e-3 * np.abs(ref).max())


def test_a_large_model_over_the_avr_budget_names_the_figures(tmp_path):
    X, y = datasets.load_digits(return_X_y=True)
    est = svm.SVC(C=0.1).fit(X, y)
    with pytest.raises(ConversionError, match=r"needs about \d+ B of flash on avr"):
        convert(est, "big", tmp_path, target="avr", layout="unrolled")
    assert not list(tmp_path.iterdir())


def _platt_probability(km, d_pairs):
    """libsvm's svm_predict_probability in numpy (float64), from the IR's Platt parameters."""
    k = len(km.classes)
    f = d_pairs * np.asarray(km.prob_a) + np.asarray(km.prob_b)
    s = np.clip(np.where(f >= 0, np.exp(-np.abs(f)) / (1 + np.exp(-np.abs(f))), 1 / (1 + np.exp(-np.abs(f)))), 1e-7, 1 - 1e-7)
    out = []
    for row in s:
        r = np.zeros((k, k))
        p = 0
        for i in range(k):
            for j in range(i + 1, k):
                r[i, j], r[j, i] = row[p], 1 - row[p]
                p += 1
        Q = -r.T * r
        np.fill_diagonal(Q, (r ** 2).sum(axis=0))
        pr = np.full(k, 1 / k)
        for _ in range(max(100, k)):
            Qp = Q @ pr
            pQp = pr @ Qp
            if np.max(np.abs(Qp - pQp)) < 0.005 / k:
                break
            for t in range(k):
                diff = (-Qp[t] + pQp) / Q[t, t]
                pr[t] += diff
                pQp = (pQp + diff * (diff * Q[t, t] + 2 * Qp[t])) / (1 + diff) ** 2
                Qp = (Qp + diff * Q[t]) / (1 + diff)
                pr /= 1 + diff
        out.append(pr)
    return np.array(out)


@pytest.mark.parametrize("data", ["iris", "breast_cancer"])
def test_platt_parameters_reproduce_scikit_learn_predict_proba(data):
    """The IR carries what predict_proba needs: libsvm's rule on its pairwise values gives scikit-learn's
    answer (the C++ in include/ctml/svm/svc.hpp is the same rule)."""
    X, y = getattr(datasets, f"load_{data}")(return_X_y=True)
    est = svm.SVC(probability=True, random_state=0).fit(X, y)
    km = from_sklearn(est)
    assert len(km.prob_a) == len(km.prob_b) == len(km.classes) * (len(km.classes) - 1) // 2
    if len(km.classes) == 2:   # scikit-learn's libsvm couples two classes too (newer libsvm returns r[0][1])
        d = -est.decision_function(X[:40]).reshape(-1, 1)   # scikit-learn flips libsvm's sign when binary
    else:
        est.decision_function_shape = "ovo"
        d = est.decision_function(X[:40])
    np.testing.assert_allclose(_platt_probability(km, d), est.predict_proba(X[:40]), atol=1e-6)
    assert not from_sklearn(svm.SVC().fit(X, y)).prob_a


def test_non_finite_platt_parameters_are_refused(tmp_path):
    Xtr, _, ytr, _ = iris()
    est = svm.SVC(probability=True, random_state=0).fit(Xtr, ytr)
    est._probA = np.array([np.nan, 1.0, 1.0])
    with pytest.raises(ConversionError, match="probability calibration"):
        convert(est, "bad", tmp_path)
    assert not list(tmp_path.iterdir())


def test_one_vs_rest_rvc_lowers_to_a_row_per_class_each_within_the_int16_mass():
    """The IR's K rows over the union of relevance vectors give ctml_codegen.rvm's K decision
    values, and the integer path's one coefficient step keeps every output's |coef| sum within
    COEF_SUM plus the rounding (half a step per vector; the largest row reaches it)."""
    from ctml_codegen.rvm import RVC
    Xtr, Xte, ytr, yte = iris()
    p = make_pipeline(StandardScaler(), RVC(kernel="rbf")).fit(Xtr, ytr)
    scaling, final = split(p)
    km = from_sklearn(final)
    assert km.kind == "logistic" and len(km.coef) == 3 and len(km.intercept) == 3 and km.n_support == (km.n_sv,)
    Z = scaling.apply(Xte)
    np.testing.assert_allclose(kernel_matrix(km, Z) @ np.asarray(km.coef).T + km.intercept,
                               final.decision_function(Z), rtol=1e-9, atol=1e-9)
    assert [sorted({r for r, _, _ in e}) for e in emit_svm.contributions(km)] == [[0], [1], [2]]
    lw = emit_svm.lower(km, scaling, 16, Xtr)
    mass = np.abs(np.asarray(lw.coef, dtype=np.int64)).sum(axis=1)
    assert abs(mass.max() - emit_svm.COEF_SUM) <= km.n_sv / 2 and mass.max() <= 32767
    assert emit_svm.footprint(lw, "avr", 0)["ram"] == 4 * 3
