"""ctml_codegen.rvm against the closed-form properties of Tipping's sparse Bayesian learning."""
from __future__ import annotations

import numpy as np
import pytest

from ctml_codegen.rvm import RVC, RVR


def sinc_data(n=100, noise=0.05, seed=0):
    rs = np.random.RandomState(seed)
    X = np.sort(rs.uniform(-8, 8, (n, 1)), axis=0)
    return X, np.sinc(X[:, 0] / np.pi) + noise * rs.randn(n)


def test_rvr_posterior_mean_is_beta_sigma_phi_t_at_the_returned_alphas():
    X, t = sinc_data()
    m = RVR(kernel="rbf", gamma=0.5).fit(X, t)
    Phi = m._design(X, X)[:, m.active_]
    mu = np.concatenate([m.coef_, [m.intercept_]]) if len(m.active_) > len(m.coef_) else m.coef_
    np.testing.assert_allclose(mu, m.beta_ * m.sigma_ @ Phi.T @ t, rtol=1e-8, atol=1e-10)
    H = m.beta_ * Phi.T @ Phi + np.diag(m.alpha_)
    np.testing.assert_allclose(m.sigma_ @ H, np.eye(len(mu)), atol=1e-6)


def test_rvr_is_sparse_and_fits_sinc():
    X, t = sinc_data()
    m = RVR(kernel="rbf", gamma=0.5).fit(X, t)
    assert len(m.relevance_vectors_) <= 20                       # of 100 training points
    assert np.all(m.alpha_ < m.alpha_max)                       # every pruned alpha diverged
    assert np.sqrt(np.mean((m.predict(X) - np.sinc(X[:, 0] / np.pi)) ** 2)) < 0.05
    assert 1 / np.sqrt(m.beta_) == pytest.approx(0.05, rel=0.4)  # the noise level is recovered


def test_rvr_reproduces_a_noiseless_linear_function_with_few_vectors():
    rs = np.random.RandomState(1)
    X = rs.randn(60, 3)
    t = X @ np.array([2.0, -3.0, 0.5]) + 1.0
    m = RVR(kernel="linear").fit(X, t)
    Xn = rs.randn(20, 3)
    np.testing.assert_allclose(m.predict(Xn), Xn @ np.array([2.0, -3.0, 0.5]) + 1.0, atol=1e-4)
    assert len(m.relevance_vectors_) <= 4                        # a 3-d linear map needs 3 + bias


def test_rvc_mode_satisfies_the_laplace_stationarity_condition():
    rs = np.random.RandomState(0)
    X = np.vstack([rs.randn(60, 2) + [1.5, 0], rs.randn(60, 2) - [1.5, 0]])
    y = np.repeat([1, 0], 60)
    m = RVC(kernel="rbf", gamma=0.5).fit(X, y)
    Phi = m._design(X, X)[:, m.active_]
    w = np.concatenate([m.coef_, [m.intercept_]]) if len(m.active_) > len(m.coef_) else m.coef_
    p = 1 / (1 + np.exp(-Phi @ w))
    np.testing.assert_allclose(Phi.T @ (y - p), m.alpha_ * w, atol=1e-6)   # gradient of the log posterior is 0
    assert len(m.relevance_vectors_) <= 12
    assert m.score(X, y) >= 0.9
    proba = m.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    np.testing.assert_array_equal(m.predict(X), m.classes_[(proba[:, 1] > 0.5).astype(int)])


def test_rvc_binary_keeps_its_shapes():
    rs = np.random.RandomState(0)
    X = np.vstack([rs.randn(40, 2) + [1.5, 0], rs.randn(40, 2) - [1.5, 0]])
    m = RVC(kernel="rbf", gamma=0.5).fit(X, np.repeat(["b", "a"], 40))
    assert m.coef_.shape == (len(m.relevance_vectors_),) and isinstance(m.intercept_, float)
    assert m.decision_function(X).shape == (80,)
    np.testing.assert_array_equal(m.predict(X), m.classes_[(m.decision_function(X) > 0).astype(int)])


def test_rvc_refuses_a_single_class():
    with pytest.raises(ValueError, match="at least two classes"):
        RVC().fit(np.arange(6.0).reshape(-1, 1), np.zeros(6))


def _split(loader):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


@pytest.mark.parametrize("loader", ["load_iris", "load_wine"])
def test_rvc_one_vs_rest_is_scikit_learns_one_vs_rest_of_binary_rvcs(loader):
    from sklearn import datasets
    from sklearn.multiclass import OneVsRestClassifier
    Xtr, Xte, ytr, yte = _split(getattr(datasets, loader))
    m = RVC(kernel="rbf").fit(Xtr, ytr)
    # One binary RVC per class at the gamma of the whole training set ('scale' resolved once).
    ovr = OneVsRestClassifier(RVC(kernel="rbf", gamma=m._gamma)).fit(Xtr, ytr)
    np.testing.assert_allclose(m.decision_function(Xte), ovr.decision_function(Xte), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(m.predict_proba(Xte), ovr.predict_proba(Xte), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(m.predict(Xte), ovr.predict(Xte))
    # The union of the per-class relevance vectors, coefficient 0 where a class dropped a vector.
    assert m.coef_.shape == (3, len(m.relevance_)) and m.intercept_.shape == (3,)
    assert np.all(np.diff(m.relevance_) > 0)
    np.testing.assert_array_equal(m.relevance_vectors_, Xtr[m.relevance_])
    for k, est in enumerate(ovr.estimators_):
        np.testing.assert_allclose(m.coef_[k, np.searchsorted(m.relevance_, est.relevance_)], est.coef_, rtol=1e-12)
        assert np.count_nonzero(m.coef_[k]) == np.count_nonzero(est.coef_)


@pytest.mark.parametrize("loader", ["load_iris", "load_wine"])
def test_rvc_multiclass_accuracy_is_close_to_svc_and_sparse(loader):
    from sklearn import datasets
    from sklearn.svm import SVC
    Xtr, Xte, ytr, yte = _split(getattr(datasets, loader))
    m = RVC(kernel="rbf").fit(Xtr, ytr)
    svc = SVC(kernel="rbf").fit(Xtr, ytr)
    assert m.score(Xte, yte) >= svc.score(Xte, yte) - 0.05
    assert len(m.relevance_) <= len(svc.support_) // 2


def test_rvc_multiclass_modes_satisfy_the_laplace_stationarity_condition_per_class():
    from sklearn import datasets
    Xtr, _, ytr, _ = _split(datasets.load_iris)
    m = RVC(kernel="rbf").fit(Xtr, ytr)
    Phi_all = m._design(Xtr, Xtr)
    n = len(Xtr)
    for k, c in enumerate(m.classes_):
        keep = m.active_[k]
        w = np.concatenate([m.coef_[k, np.searchsorted(m.relevance_, keep[keep < n])],
                            [m.intercept_[k]] if np.any(keep == n) else []])
        t = (ytr == c).astype(float)
        p = 1 / (1 + np.exp(-Phi_all[:, keep] @ w))
        np.testing.assert_allclose(Phi_all[:, keep].T @ (t - p), m.alpha_[k] * w, atol=1e-6)


def test_rvc_multiclass_predict_is_the_first_argmax_and_proba_rows_sum_to_one():
    rs = np.random.RandomState(2)
    centres = np.array([[0, 3], [3, 0], [-3, 0], [0, -3]])
    X = np.vstack([rs.randn(30, 2) + c for c in centres])
    y = np.repeat(["d", "c", "b", "a"], 30)                      # classes_ sorted: a b c d
    m = RVC(kernel="rbf", gamma=0.5).fit(X, y)
    f = m.decision_function(X)
    assert f.shape == (120, 4)
    np.testing.assert_array_equal(m.predict(X), m.classes_[np.argmax(f, axis=1)])
    p = m.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p, (1 / (1 + np.exp(-f))) / (1 / (1 + np.exp(-f))).sum(1, keepdims=True))
    np.testing.assert_array_equal(np.argmax(p, axis=1), np.argmax(f, axis=1))   # the sigmoid is monotone
    assert m.score(X, y) >= 0.9
    # Ties go to the first class, as numpy's argmax: equal intercepts and no vectors.
    m.coef_ = np.zeros_like(m.coef_)
    m.intercept_ = np.array([0.5, 1.0, 1.0, -1.0])
    np.testing.assert_array_equal(m.predict(X[:3]), ["b", "b", "b"])
