"""Relevance vector machines (Tipping 2001, "Sparse Bayesian learning and the relevance vector
machine", JMLR 1:211-244) as scikit-learn-compatible estimators: Debian's Python stack has no RVM.

Both models put a zero-mean Gaussian prior with its own precision alpha_i on every weight of the
kernel expansion f(x) = sum_i w_i K(x, x_i) + w_0 over the training points, and re-estimate the
alphas by type-II maximum likelihood (MacKay's update alpha_i = gamma_i / mu_i^2 with
gamma_i = 1 - alpha_i Sigma_ii, Tipping eq. 16). Most alphas diverge and their basis functions
are pruned; the remaining training points are the relevance vectors.
  RVR: Gaussian noise of precision beta, Sigma = (A + beta Phi^T Phi)^-1, mu = beta Sigma Phi^T t,
       beta = (N - sum gamma) / |t - Phi mu|^2.
  RVC: Bernoulli likelihood with the logistic link; the weight posterior is its Laplace
       approximation at the mode found by Newton's method (IRLS), Sigma = (Phi^T B Phi + A)^-1.
       More than two classes: one-vs-rest, one binary RVC per class (class k against the rest),
       all with the kernel and gamma of the whole training set; predict is the largest f_k and
       predict_proba the sigmoids normalised to sum 1 (as OneVsRestClassifier does).
Kernels are libsvm's (linear, poly, rbf, sigmoid), with gamma 'scale' or 'auto' as in SVC.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel, sigmoid_kernel
from sklearn.utils.validation import check_is_fitted, check_X_y, check_array

KERNELS = ("linear", "poly", "rbf", "sigmoid")


class _RVMBase(BaseEstimator):
    def __init__(self, kernel="rbf", gamma="scale", degree=3, coef0=0.0, max_iter=500, tol=1e-4,
                 alpha_max=1e9, fit_intercept=True):
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_max = alpha_max
        self.fit_intercept = fit_intercept

    def _resolve_gamma(self, X: np.ndarray) -> float:
        if self.gamma == "scale":
            var = X.var()
            return 1.0 / (X.shape[1] * var) if var != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _kernel(self, X, Y) -> np.ndarray:
        if self.kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, not {self.kernel!r}")
        if self.kernel == "linear":
            return linear_kernel(X, Y)
        if self.kernel == "poly":
            return polynomial_kernel(X, Y, degree=self.degree, gamma=self._gamma, coef0=self.coef0)
        if self.kernel == "rbf":
            return rbf_kernel(X, Y, gamma=self._gamma)
        return sigmoid_kernel(X, Y, gamma=self._gamma, coef0=self.coef0)

    def _design(self, X, basis) -> np.ndarray:
        Phi = self._kernel(X, basis)
        return np.hstack([Phi, np.ones((len(X), 1))]) if self.fit_intercept else Phi

    def _store(self, X, keep, mu, alpha, Sigma):
        n = len(X)
        rv = keep[keep < n]
        self.relevance_ = rv
        self.relevance_vectors_ = X[rv]
        self.coef_ = mu[keep < n]
        self.intercept_ = float(mu[keep == n][0]) if self.fit_intercept and np.any(keep == n) else 0.0
        self.alpha_ = alpha
        self.active_ = keep
        self.sigma_ = Sigma
        self.n_features_in_ = X.shape[1]

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        X = check_array(X)
        if len(self.coef_) == 0:
            return np.full(len(X), self.intercept_)
        return self._kernel(X, self.relevance_vectors_) @ self.coef_ + self.intercept_


def _prune_and_update(alpha, keep, gamma_i, mu, alpha_max):
    # gamma_i lies in (0, 1] in exact arithmetic; rounding can leave it a hair outside.
    new = np.clip(gamma_i, 1e-12, 1.0) / np.maximum(mu * mu, 1e-300)
    new = np.maximum(new, 1e-12)
    change = np.max(np.abs(np.log(np.minimum(new, alpha_max)) - np.log(np.minimum(alpha, alpha_max))))
    alive = new < alpha_max
    if not np.any(alive):                  # keep the strongest basis function at least
        alive[np.argmin(new)] = True
    return new[alive], keep[alive], change, bool(np.all(alive))


class RVR(_RVMBase, RegressorMixin):
    """Relevance vector regression."""

    def fit(self, X, y):
        X, y = check_X_y(X, y, y_numeric=True)
        X = np.asarray(X, dtype=np.float64)
        t = np.asarray(y, dtype=np.float64)
        self._gamma = self._resolve_gamma(X)
        Phi_all = self._design(X, X)
        n = len(X)
        keep = np.arange(Phi_all.shape[1])
        alpha = np.full(len(keep), 1e-6)
        beta = 1.0 / max(np.var(t) * 0.01, 1e-12)
        for self.n_iter_ in range(1, self.max_iter + 1):
            Phi = Phi_all[:, keep]
            Sigma, mu = self._posterior(Phi, t, alpha, beta)
            gamma_i = 1.0 - alpha * np.diag(Sigma)
            alpha_new, keep_new, change, same = _prune_and_update(alpha, keep, gamma_i, mu, self.alpha_max)
            resid = t - Phi @ mu
            # A noiseless target would drive beta to infinity; 1e12 / var(t) is exact enough.
            beta = min(max(n - gamma_i.sum(), 1e-12) / max(resid @ resid, 1e-300), 1e12 / max(np.var(t), 1e-300))
            alpha, keep = alpha_new, keep_new
            if same and change < self.tol:
                break
        Sigma, mu = self._posterior(Phi_all[:, keep], t, alpha, beta)   # the posterior at the final alphas
        self.beta_ = beta
        self._store(X, keep, mu, alpha, Sigma)
        return self

    @staticmethod
    def _posterior(Phi, t, alpha, beta):
        H = beta * Phi.T @ Phi + np.diag(alpha)
        L = np.linalg.cholesky(H)
        Linv = np.linalg.inv(L)
        Sigma = Linv.T @ Linv
        mu = beta * Sigma @ (Phi.T @ t)
        return Sigma, mu

    def predict(self, X) -> np.ndarray:
        return self.decision_function(X)


def _sigmoid(a):
    return np.where(a >= 0, 1.0 / (1.0 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1.0 + np.exp(-np.abs(a))))


class RVC(_RVMBase, ClassifierMixin):
    """Relevance vector classification (Laplace approximation, IRLS); one-vs-rest for more than two
    classes. Two classes: coef_ (n_relevance,), intercept_ a float, decision_function (n,) for
    classes_[1]. K > 2 classes: relevance_vectors_ is the union of the K binary machines' vectors
    (sorted training indices), coef_ (K, n_relevance) with zeros where class k did not keep a
    vector, intercept_ (K,), decision_function (n, K)."""

    def fit(self, X, y):
        X, y = check_X_y(X, y)
        X = np.asarray(X, dtype=np.float64)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"RVC needs at least two classes, got {len(self.classes_)}")
        self._gamma = self._resolve_gamma(X)           # once, on the whole X: every class shares the kernel
        Phi_all = self._design(X, X)
        if len(self.classes_) == 2:
            keep, w, alpha, Sigma = self._fit_binary(Phi_all, (y == self.classes_[1]).astype(np.float64))
            self._store(X, keep, w, alpha, Sigma)
            return self
        n = len(X)
        fits = [self._fit_binary(Phi_all, (y == c).astype(np.float64)) for c in self.classes_]
        rv = np.unique(np.concatenate([keep[keep < n] for keep, *_ in fits])).astype(np.int64)
        coef = np.zeros((len(fits), len(rv)))
        intercept = np.zeros(len(fits))
        for k, (keep, w, _, _) in enumerate(fits):
            coef[k, np.searchsorted(rv, keep[keep < n])] = w[keep < n]
            if self.fit_intercept and np.any(keep == n):
                intercept[k] = w[keep == n][0]
        self.relevance_ = rv
        self.relevance_vectors_ = X[rv]
        self.coef_ = coef
        self.intercept_ = intercept
        self.alpha_ = [f[2] for f in fits]             # per class, over that class's active basis functions
        self.active_ = [f[0] for f in fits]
        self.sigma_ = [f[3] for f in fits]
        self.n_features_in_ = X.shape[1]
        return self

    def _fit_binary(self, Phi_all, t):
        """Tipping's RVC of targets t in {0, 1}: (active basis functions, mode, alphas, Sigma)."""
        keep = np.arange(Phi_all.shape[1])
        alpha = np.ones(len(keep))
        w = np.zeros(len(keep))
        for self.n_iter_ in range(1, self.max_iter + 1):
            Phi = Phi_all[:, keep]
            w, Sigma = self._laplace(Phi, t, alpha, w)
            gamma_i = 1.0 - alpha * np.diag(Sigma)
            alpha_new, keep_new, change, same = _prune_and_update(alpha, keep, gamma_i, w, self.alpha_max)
            w = w[np.isin(keep, keep_new)]
            alpha, keep = alpha_new, keep_new
            if same and change < self.tol:
                break
        w, Sigma = self._laplace(Phi_all[:, keep], t, alpha, w)          # the mode at the final alphas
        return keep, w, alpha, Sigma

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        if np.ndim(self.coef_) == 1:
            return super().decision_function(X)
        X = check_array(X)
        if self.coef_.shape[1] == 0:
            return np.tile(self.intercept_, (len(X), 1))
        return self._kernel(X, self.relevance_vectors_) @ self.coef_.T + self.intercept_
    @staticmethod
    def _laplace(Phi, t, alpha, w, iters=100):
        """The posterior mode by damped Newton steps on the penalised log likelihood (step halved
        until the objective rises), and the inverse Hessian there."""
        def objective(w):
            a = Phi @ w
            # log sigmoid(a) for t = 1 and log sigmoid(-a) for t = 0, stably
            return -np.sum(np.logaddexp(0.0, np.where(t > 0.5, -a, a))) - 0.5 * np.sum(alpha * w * w)
        J = objective(w)
        for _ in range(iters):
            y = _sigmoid(Phi @ w)
            g = Phi.T @ (t - y) - alpha * w
            H = Phi.T @ (Phi * (y * (1 - y))[:, None]) + np.diag(alpha)
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(H, g, rcond=None)[0]
            lr = 1.0
            while lr > 1e-8:
                w_new = w + lr * step
                J_new = objective(w_new)
                if J_new >= J:
                    break
                lr /= 2
            w, J_old, J = w_new, J, J_new
            if np.max(np.abs(lr * step)) < 1e-10 or abs(J - J_old) < 1e-12 * max(1.0, abs(J)):
                break
        y = _sigmoid(Phi @ w)
        H = Phi.T @ (Phi * (y * (1 - y))[:, None]) + np.diag(alpha)
        return w, np.linalg.pinv(H, hermitian=True)

    def predict_proba(self, X) -> np.ndarray:
        f = self.decision_function(X)
        if f.ndim == 2:
            p = _sigmoid(f)
            return p / p.sum(axis=1, keepdims=True)
        p = _sigmoid(f)
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        f = self.decision_function(X)
        if f.ndim == 2:
            return self.classes_[np.argmax(f, axis=1)]    # the first of equal scores
        return self.classes_[(f > 0).astype(int)]
