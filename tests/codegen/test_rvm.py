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


def test_rvc_refuses_more_than_two_classes():
    with pytest.raises(ValueError, match="two classes"):
        RVC().fit(np.arange(9.0).reshape(-1, 1), np.repeat([0, 1, 2], 3))
