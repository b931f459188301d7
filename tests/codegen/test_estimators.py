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
