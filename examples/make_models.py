#!/usr/bin/python3
"""Trains the bundled example models on data sets that ship with scikit-learn and converts them
into models/. Deterministic (random_state=0 everywhere), so regenerating changes no byte.

Usage: /usr/bin/python3 examples/make_models.py [--out models] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "codegen"))

import numpy as np  # noqa: E402
from sklearn import datasets, ensemble, tree  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import layout  # noqa: E402  (examples/layout.py: where each generated file lives)
from ctml_codegen import convert  # noqa: E402


def split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def regression_split():
    X, y = datasets.load_diabetes(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def with_missing(X, fraction=0.1):
    """A copy of X with a fixed pattern of NaN cells, to test XGBoost's default directions."""
    X = np.array(X, dtype=np.float64)
    mask = np.random.RandomState(0).rand(*X.shape) < fraction
    X[mask] = np.nan
    return X


def xgb_models():
    import xgboost as xgb
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    Xte = with_missing(Xte)
    yield ("breast_cancer_xgb", xgb.XGBClassifier(n_estimators=20, max_depth=3, random_state=0, n_jobs=1),
           (Xtr, Xte, ytr, yte), {"feature_bits": 0})
    Xtr, Xte, ytr, yte = split(datasets.load_iris)
    yield ("iris_xgb", xgb.XGBClassifier(n_estimators=10, max_depth=3, random_state=0, n_jobs=1),
           (Xtr, Xte, ytr, yte), {"feature_bits": 16})
    Xtr, Xte, ytr, yte = regression_split()
    yield ("diabetes_xgb", xgb.XGBRegressor(n_estimators=20, max_depth=3, random_state=0, n_jobs=1),
           (Xtr, Xte, ytr, None), {"feature_bits": 0})
    # XGBRFClassifier on three classes (num_parallel_tree trees per class and round, interleaved so
    # tree t adds to class t % 3), and the linear booster (gblinear) through the linear family.
    ir = split(datasets.load_iris)
    yield ("iris_xgbrf", xgb.XGBRFClassifier(n_estimators=8, max_depth=3, random_state=0, n_jobs=1), ir, {"feature_bits": 16})
    yield ("iris_gblinear", xgb.XGBClassifier(booster="gblinear", n_estimators=30, random_state=0, n_jobs=1), ir,
           {"feature_bits": 16})
    yield ("breast_cancer_gblinear", xgb.XGBClassifier(booster="gblinear", n_estimators=30, random_state=0, n_jobs=1),
           split(datasets.load_breast_cancer), {"feature_bits": 0})
    yield ("diabetes_gblinear", xgb.XGBRegressor(booster="gblinear", n_estimators=30, random_state=0, n_jobs=1),
           (Xtr, Xte, ytr, None), {"feature_bits": 0})


def lightgbm_models():
    """LightGBM models written in its documented text format (examples/lightgbm_format.py: LightGBM is
    not in Debian 12), with missing values in the held-out inputs."""
    from lightgbm_format import random_trees, text_model
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    Xtr, Xte = with_missing(Xtr), with_missing(Xte)
    text = text_model(random_trees(Xtr, 20, 4, seed=1), "binary sigmoid:0.7", Xtr.shape[1])
    yield "breast_cancer_lgb", text, (Xtr, Xte, None, None), {"feature_bits": 0}
    Xtr, Xte, ytr, yte = split(datasets.load_iris)
    text = text_model(random_trees(Xtr, 30, 3, seed=2), "multiclass num_class:3", Xtr.shape[1], 3, 3)
    yield "iris_lgb", text, (Xtr, Xte, None, None), {"feature_bits": 16}
    # multiclassova (one sigmoid per class, not normalised) on int16 codes; boosting='rf'
    # (average_output) with the cross-entropy objective (predict = sigmoid of the mean) on floats;
    # poisson (predict = exp(raw)) on floats with missing values.
    text = text_model(random_trees(Xtr, 24, 3, seed=3), "multiclassova num_class:3 sigmoid:1.5", Xtr.shape[1], 3, 3)
    yield "iris_lgb_ova", text, (Xtr, Xte, None, None), {"feature_bits": 16}
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    text = text_model(random_trees(Xtr, 10, 4, seed=4), "cross_entropy", Xtr.shape[1]).replace(
        "objective=", "average_output\nobjective=", 1)
    yield "breast_cancer_lgb_rf_xent", text, (Xtr, Xte, None, None), {"feature_bits": 0}
    Xtr, Xte, ytr, yte = regression_split()
    Xtr, Xte = with_missing(Xtr), with_missing(Xte)
    text = text_model(random_trees(Xtr, 20, 4, seed=5, scale=0.1), "poisson", Xtr.shape[1])
    yield "diabetes_lgb_poisson", text, (Xtr, Xte, None, None), {"feature_bits": 0}


def hist_models():
    """HistGradientBoosting (binned splits, +inf NaN splits, learned missing directions): binary with
    NaN cells in training and held-out inputs (float inputs), three-class and a regressor on int16 codes."""
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    Xtr, Xte = with_missing(Xtr), with_missing(Xte)
    yield ("breast_cancer_hgb", ensemble.HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=8, random_state=0),
           (Xtr, Xte, ytr, yte), {"feature_bits": 0})
    yield ("iris_hgb", ensemble.HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=6, random_state=0),
           split(datasets.load_iris), {"feature_bits": 16})
    Xtr, Xte, ytr, yte = regression_split()
    yield ("diabetes_hgb", ensemble.HistGradientBoostingRegressor(max_iter=20, max_leaf_nodes=8, random_state=0),
           (Xtr, with_missing(Xte), ytr, None), {"feature_bits": 0})


def adaboost_models():
    """AdaBoostClassifier: scikit-learn's default (50 stumps, SAMME.R) on three classes and int16
    codes (each stump becomes one tree per class), and SAMME over depth-2 trees on float inputs
    (binary: one score, class 1's weight minus class 0's)."""
    yield ("iris_ada", ensemble.AdaBoostClassifier(random_state=0), split(datasets.load_iris), {"feature_bits": 16})
    yield ("breast_cancer_ada", ensemble.AdaBoostClassifier(tree.DecisionTreeClassifier(max_depth=2), n_estimators=20,
                                                            algorithm="SAMME", random_state=0),
           split(datasets.load_breast_cancer), {"feature_bits": 0})
    # AdaBoostRegressor: the weighted median of its trees; scikit-learn's default (50 depth-3 trees,
    # loss 'linear') on int16 codes, and loss 'square' on float inputs.
    Xtr, Xte, ytr, _ = regression_split()
    yield ("diabetes_ada", ensemble.AdaBoostRegressor(random_state=0), (Xtr, Xte, ytr, None), {"feature_bits": 16})
    yield ("diabetes_ada_float", ensemble.AdaBoostRegressor(n_estimators=20, loss="square", random_state=0),
           (Xtr, Xte, ytr, None), {"feature_bits": 0})


def tree_step_models():
    """Pipeline steps folded into the trees' tests: KBinsDiscretizer(ordinal) into thresholds on
    the raw inputs (int16 codes), SimpleImputer into the NaN directions (float inputs with NaN cells)."""
    from sklearn import impute, pipeline, preprocessing
    Xtr, Xte, ytr, yte = split(datasets.load_breast_cancer)
    kbins = pipeline.make_pipeline(preprocessing.KBinsDiscretizer(n_bins=8, encode="ordinal", strategy="quantile"),
                                   ensemble.RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0))
    yield "breast_cancer_kbins_rf", kbins, (Xtr, Xte, ytr, yte), {"feature_bits": 16}
    imputed = pipeline.make_pipeline(impute.SimpleImputer(strategy="median"),
                                     ensemble.GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0))
    yield "breast_cancer_impute_gb", imputed, (with_missing(Xtr), with_missing(Xte), ytr, yte), {"feature_bits": 0}


def mixture_models():
    """GaussianMixture (3 full components) on iris and EllipticEnvelope on wine: float inputs."""
    from sklearn import covariance, mixture
    Xtr, Xte, _, _ = split(datasets.load_iris)
    yield "iris_gmm", mixture.GaussianMixture(n_components=3, random_state=0), (Xtr, Xte, None, None), {"feature_bits": 0}
    Xtr, Xte, _, _ = split(datasets.load_wine)
    yield "wine_ee", covariance.EllipticEnvelope(random_state=0), (Xtr, Xte, None, None), {"feature_bits": 0}


def voting_models():
    """VotingRegressor and StackingRegressor folded into one model: tree members into one additive
    forest (leaves times their member's coefficient), linear members behind a scaler into one
    weight vector."""
    from sklearn import linear_model, pipeline, preprocessing
    Xtr, Xte, ytr, _ = regression_split()
    trees = ensemble.VotingRegressor([("rf", ensemble.RandomForestRegressor(n_estimators=5, max_depth=4, random_state=0)),
                                      ("gb", ensemble.GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0)),
                                      ("dt", tree.DecisionTreeRegressor(max_depth=4, random_state=0))], weights=[1, 2, 0.5])
    yield "diabetes_voting", trees, (Xtr, Xte, ytr, None), {"feature_bits": 16}
    linear = pipeline.make_pipeline(preprocessing.StandardScaler(), ensemble.VotingRegressor(
        [("ridge", linear_model.Ridge()), ("lasso", linear_model.Lasso(alpha=0.1)), ("huber", linear_model.HuberRegressor())]))
    yield "diabetes_voting_linear", linear, (Xtr, Xte, ytr, None), {"feature_bits": 16}
    # VotingClassifier(voting='soft') over tree classifiers: one forest whose scores are the
    # weighted probabilities (three classes on int16 codes; binary on float inputs).
    soft = lambda: ensemble.VotingClassifier(  # noqa: E731
        [("rf", ensemble.RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)),
         ("et", ensemble.ExtraTreesClassifier(n_estimators=4, max_depth=4, random_state=0)),
         ("dt", tree.DecisionTreeClassifier(max_depth=3, random_state=0))], voting="soft", weights=[2, 1, 1])
    yield "iris_voting_soft", soft(), split(datasets.load_iris), {"feature_bits": 16}
    yield "breast_cancer_voting_soft", soft(), split(datasets.load_breast_cancer), {"feature_bits": 0}
    # StackingRegressor: the default RidgeCV final estimator on two tree members, one forest.
    stack = ensemble.StackingRegressor([("rf", ensemble.RandomForestRegressor(n_estimators=5, max_depth=4, random_state=0)),
                                        ("gb", ensemble.GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0))])
    yield "diabetes_stacking", stack, (Xtr, Xte, ytr, None), {"feature_bits": 16}


def models():
    bc, dg, ir, rg = split(datasets.load_breast_cancer), split(datasets.load_digits), split(datasets.load_iris), regression_split()
    R = 0
    yield "breast_cancer_dt", tree.DecisionTreeClassifier(max_depth=8, random_state=R), bc, {"feature_bits": 16}
    # Float inputs (issue 12: on AVR the bit-pattern compare of trees/walk.hpp).
    yield "breast_cancer_dt_float", tree.DecisionTreeClassifier(max_depth=8, random_state=R), bc, {"feature_bits": 0}
    yield "breast_cancer_rf", ensemble.RandomForestClassifier(n_estimators=10, max_depth=6, random_state=R), bc, {"feature_bits": 16}
    yield "breast_cancer_rf_float", ensemble.RandomForestClassifier(n_estimators=10, max_depth=6, random_state=R), bc, {"feature_bits": 0}
    yield "digits_rf", ensemble.RandomForestClassifier(n_estimators=20, max_depth=8, random_state=R), dg, {}
    yield "digits_et", ensemble.ExtraTreesClassifier(n_estimators=10, max_depth=8, random_state=R), dg, {}
    yield "iris_gb", ensemble.GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=R), ir, {"feature_bits": 16}
    yield "breast_cancer_gb", ensemble.GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=R), bc, {"feature_bits": 16}
    # scikit-learn's default GradientBoostingClassifier on a 3-class problem: 300 trees, past clang's
    # fold-expression limit of 256 (the tree folds are braced lists); stumps, so that it fits the ATmega328P.
    yield "iris_gb300", ensemble.GradientBoostingClassifier(max_depth=1, random_state=R), ir, {"feature_bits": 16}  # stumps: fits AVR flash
    # loss='exponential': predict_proba is expit(2 raw), not expit(raw).
    yield "breast_cancer_gb_exp", ensemble.GradientBoostingClassifier(loss="exponential", n_estimators=20, max_depth=3, random_state=R), bc, {"feature_bits": 0}
    yield "diabetes_dt", tree.DecisionTreeRegressor(max_depth=6, random_state=R), (rg[0], rg[1], rg[2], None), {"feature_bits": 0}
    yield "diabetes_rf", ensemble.RandomForestRegressor(n_estimators=10, max_depth=6, random_state=R), (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    yield "diabetes_gb", ensemble.GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=R), (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    yield "breast_cancer_if", ensemble.IsolationForest(n_estimators=20, random_state=R), (bc[0], bc[1], None, None), {"feature_bits": 16}
    yield "breast_cancer_if_float", ensemble.IsolationForest(n_estimators=20, random_state=R), (bc[0], bc[1], None, None), {"feature_bits": 0}
    # Small enough for AVR flash in both layouts at once (tests/target/avr_walk_firmware.cpp).
    yield "digits_rf_small", ensemble.RandomForestClassifier(n_estimators=6, max_depth=7, random_state=R), dg, {}
    yield from xgb_models()
    yield from lightgbm_models()
    yield from hist_models()
    yield from adaboost_models()
    yield from voting_models()
    yield from tree_step_models()
    yield from mixture_models()
    yield from linear_family_models()
    yield from kind_models()


def linear_family_models():
    """Linear models, naive Bayes and k-NN; integer variants are what AVR runs, float the reference."""
    from sklearn import linear_model, naive_bayes, neighbors, pipeline, preprocessing, svm
    bc, ir, rg = split(datasets.load_breast_cancer), split(datasets.load_iris), regression_split()
    svc = lambda: pipeline.make_pipeline(preprocessing.StandardScaler(), svm.LinearSVC(random_state=0))
    yield "breast_cancer_svc", svc(), bc, {"feature_bits": 16}
    yield "breast_cancer_svc_float", svc(), bc, {"feature_bits": 0}
    yield "breast_cancer_svc_int8", svc(), bc, {"feature_bits": 8}
    logit = pipeline.make_pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression(random_state=0))
    yield "iris_logit", logit, ir, {"feature_bits": 16}
    yield "iris_logit_float", pipeline.make_pipeline(preprocessing.StandardScaler(),
                                                     linear_model.LogisticRegression(random_state=0)), ir, {"feature_bits": 0}
    # Probabilities as scikit-learn computes them: binary sigmoid, one-vs-rest normalised, modified Huber.
    yield "breast_cancer_logit_float", pipeline.make_pipeline(
        preprocessing.StandardScaler(), linear_model.LogisticRegression(random_state=0)), bc, {"feature_bits": 0}
    yield "iris_logit_ovr_float", pipeline.make_pipeline(
        preprocessing.StandardScaler(), linear_model.LogisticRegression(multi_class="ovr", random_state=0)), ir, {"feature_bits": 0}
    yield "iris_sgd_huber_float", pipeline.make_pipeline(
        preprocessing.MinMaxScaler(), linear_model.SGDClassifier(loss="modified_huber", random_state=0)), ir, {"feature_bits": 0}
    yield "diabetes_ridge", linear_model.Ridge(alpha=0.1), (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    # A PCA step folded into the weights (W' = W A, b' = b + W c): whitened after a scaler on int16
    # codes, and on raw features before a scaler and a regressor (int16 codes).
    from sklearn.decomposition import PCA
    yield "breast_cancer_pca_logit", pipeline.make_pipeline(
        preprocessing.StandardScaler(), PCA(8, whiten=True), linear_model.LogisticRegression(random_state=0)), bc, {"feature_bits": 16}
    yield "diabetes_pca_ridge", pipeline.make_pipeline(PCA(6), preprocessing.StandardScaler(), linear_model.Ridge(alpha=0.1)), \
        (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    yield "diabetes_ridge_float", linear_model.Ridge(alpha=0.1), (rg[0], rg[1], rg[2], None), {"feature_bits": 0}
    yield "iris_gnb", naive_bayes.GaussianNB(), ir, {"feature_bits": 16}
    yield "iris_gnb_float", naive_bayes.GaussianNB(), ir, {"feature_bits": 0}
    knn = lambda: neighbors.KNeighborsClassifier(n_neighbors=5, algorithm="brute")
    yield "iris_knn", knn(), ir, {"feature_bits": 8}
    yield "iris_knn_float", knn(), ir, {"feature_bits": 0}
    yield "diabetes_knn", neighbors.KNeighborsRegressor(n_neighbors=5, p=1, algorithm="brute"), \
        (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    # weights='distance': each neighbour weighs 1 / its distance (euclidean: ctml's rsqrt; the regressor
    # manhattan, whose int16 distances fit 32 bits: squared ones would need 64-bit sums on AVR).
    knn_d = lambda: neighbors.KNeighborsClassifier(n_neighbors=5, weights="distance", algorithm="brute")
    yield "iris_knn_distance", knn_d(), ir, {"feature_bits": 8}
    yield "iris_knn_distance_float", knn_d(), ir, {"feature_bits": 0}
    yield "diabetes_knn_distance", neighbors.KNeighborsRegressor(n_neighbors=5, weights="distance", p=1, algorithm="brute"), \
        (rg[0], rg[1], rg[2], None), {"feature_bits": 16}

    yield from svm_models()


def svm_models():
    """Kernel machines: SVC on iris (integer and float), SVR, a one-class SVM and RVMs."""
    from sklearn import svm
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    sys.path.insert(0, str(ROOT / "codegen"))
    from ctml_codegen.rvm import RVC, RVR
    bc, ir, rg = split(datasets.load_breast_cancer), split(datasets.load_iris), regression_split()
    yield "iris_svc", svm.SVC(kernel="rbf"), ir, {"feature_bits": 16}
    yield "iris_svc_float", svm.SVC(kernel="rbf"), ir, {"feature_bits": 0}
    yield "iris_svc_int8", svm.SVC(kernel="rbf"), ir, {"feature_bits": 8}
    yield "iris_svc_poly", make_pipeline(StandardScaler(), svm.SVC(kernel="poly", degree=3, decision_function_shape="ovo")), ir, {"feature_bits": 0}
    yield "iris_nusvc_sigmoid", make_pipeline(StandardScaler(), svm.NuSVC(kernel="sigmoid", nu=0.3, gamma=0.1, coef0=-0.5)), ir, {"feature_bits": 0}
    yield "iris_nusvc_sigmoid_int", make_pipeline(StandardScaler(), svm.NuSVC(kernel="sigmoid", nu=0.3, gamma=0.1, coef0=-0.5)), ir, {"feature_bits": 16}
    yield "diabetes_nusvr_linear", make_pipeline(StandardScaler(), svm.NuSVR(kernel="linear", nu=0.2, C=10.0)), (rg[0], rg[1], rg[2], None), {"feature_bits": 0}
    # Linear kernels in primal form (one weight vector per decision; the linear family's float and
    # integer paths): unscaled breast cancer, where float32 kernel sums lost 9 of 143 classes.
    yield "breast_cancer_linear_svc", svm.SVC(kernel="linear"), bc, {"feature_bits": 0}
    yield "breast_cancer_linear_svc_int", svm.SVC(kernel="linear"), bc, {"feature_bits": 16}
    yield "iris_linear_svc", svm.SVC(kernel="linear"), ir, {"feature_bits": 16}
    yield "iris_linear_svc_float", svm.SVC(kernel="linear"), ir, {"feature_bits": 0}
    yield "breast_cancer_rbf_svc", make_pipeline(StandardScaler(), svm.SVC(kernel="rbf", C=10.0)), bc, {"feature_bits": 16}
    # probability=True: libsvm's Platt scaling and pairwise coupling (predict_proba).
    yield "iris_svc_proba", svm.SVC(kernel="rbf", probability=True, random_state=0), ir, {"feature_bits": 16}
    yield "iris_svc_proba_float", svm.SVC(kernel="rbf", probability=True, random_state=0), ir, {"feature_bits": 0}
    yield "breast_cancer_svc_proba", make_pipeline(StandardScaler(), svm.SVC(kernel="rbf", C=10.0, probability=True, random_state=0)), bc, {"feature_bits": 16}
    yield "diabetes_svr", make_pipeline(StandardScaler(), svm.SVR(kernel="rbf", C=100.0, epsilon=30.0)), (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    yield "breast_cancer_ocsvm", make_pipeline(StandardScaler(), svm.OneClassSVM(nu=0.05, gamma=0.01)), (bc[0], bc[1], None, None), {"feature_bits": 16}
    yield "breast_cancer_rvc", make_pipeline(StandardScaler(), RVC(kernel="rbf", gamma=0.02)), bc, {"feature_bits": 16}
    yield "diabetes_rvr", make_pipeline(StandardScaler(), RVR(kernel="rbf", gamma=0.05)), (rg[0], rg[1], rg[2], None), {"feature_bits": 16}
    # Three classes: one-vs-rest RVC (a binary RVC per class over the union of relevance vectors).
    yield "iris_rvc", make_pipeline(StandardScaler(), RVC(kernel="rbf")), ir, {"feature_bits": 16}
    yield "iris_rvc_float", make_pipeline(StandardScaler(), RVC(kernel="rbf")), ir, {"feature_bits": 0}


def kind_models():
    """One small integer model per scikit-learn kind the families above lack (issue 3: every kind
    has a conformance test, a constexpr test and a benchmark row)."""
    from sklearn import linear_model, svm
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    bc, ir, rg = split(datasets.load_breast_cancer), split(datasets.load_iris), regression_split()
    reg = (rg[0], rg[1], rg[2], None)
    yield "breast_cancer_logit", make_pipeline(StandardScaler(), linear_model.LogisticRegression(random_state=0)), bc, {"feature_bits": 16}
    yield "diabetes_linreg", linear_model.LinearRegression(), reg, {"feature_bits": 16}
    yield "diabetes_lasso", linear_model.Lasso(alpha=0.1), reg, {"feature_bits": 16}
    yield "diabetes_enet", linear_model.ElasticNet(alpha=0.001), reg, {"feature_bits": 16}
    yield "diabetes_linsvr", make_pipeline(StandardScaler(), svm.LinearSVR(random_state=0, max_iter=100000)), reg, {"feature_bits": 16}
    yield "iris_perceptron", make_pipeline(StandardScaler(), linear_model.Perceptron(random_state=0)), ir, {"feature_bits": 16}
    yield "iris_sgd_hinge", make_pipeline(StandardScaler(), linear_model.SGDClassifier(loss="hinge", random_state=0)), ir, {"feature_bits": 16}
    # A GLM with the log link: predict = exp(score) (the other linear_model regressors are plain scores).
    poisson = lambda: make_pipeline(StandardScaler(), linear_model.PoissonRegressor(alpha=1e-4, max_iter=1000))
    yield "diabetes_poisson", poisson(), reg, {"feature_bits": 16}
    yield "diabetes_poisson_float", poisson(), reg, {"feature_bits": 0}
    yield "diabetes_nusvr", make_pipeline(StandardScaler(), svm.NuSVR(kernel="rbf", nu=0.2, C=100.0, gamma=0.05)), reg, {"feature_bits": 16}
    # Issue 12's AVR dot-product bar: a 64 x 10 LogisticRegression on raw digits pixels, on int8
    # and on int16 codes (the int8 x int8 and int16 x int16 kernels of platform/dot_avr.hpp).
    dg = split(datasets.load_digits)
    yield "digits_logit", linear_model.LogisticRegression(max_iter=2000), dg, {"feature_bits": 8}
    yield "digits_logit16", linear_model.LogisticRegression(max_iter=2000), dg, {"feature_bits": 16}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="one folder for every file (default: models/ for the examples, "
                    "tests/fixtures/ for the rest; examples/layout.py)")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()
    layout.generate(args.out, lambda out: write(out, args.only))
    return 0


def write(out: Path, only) -> None:
    for name, est, (Xtr, Xte, ytr, yte), opts in models():
        if only and name not in only:
            continue
        if isinstance(est, str):
            pass   # a model file's text (LightGBM): already trained
        elif ytr is None:
            est.fit(Xtr)
        else:
            est.fit(Xtr, ytr)
        r = convert(est, name, str(out), X_sample=Xtr, X_test=Xte, y_test=yte, **opts)
        print(f"{name}: {r.nodes} nodes, {r.layout} layout on host, header {r.header.name}")
    from make_networks import NETWORKS  # the int8 networks (examples/make_networks.py)
    for name, make in NETWORKS.items():
        if not only or name in only:
            print(f"{name}: header {make(str(out)).header.name}")
    from make_mlperf import NETWORKS as MLPERF  # the MLPerf Tiny networks (examples/make_mlperf.py)
    for name, make in MLPERF.items():
        if not only or name in only:
            print(f"{name}: header {make(str(out)).header.name}")

    from make_tinyol import make as make_tinyol  # tinyOL: a frozen network without the 9s, and its stream
    if not only or "digits_frozen9" in only:
        print(f"digits_frozen9: header {make_tinyol(str(out)).name}")


if __name__ == "__main__":
    raise SystemExit(main())
