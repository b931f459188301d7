"""train.py MODEL.json HELD_OUT.npz: an XGBoost iris classifier and every fifth sample (held out)."""
import sys

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_iris

X, y = load_iris(return_X_y=True)
test = np.arange(len(X)) % 5 == 0
model = xgb.XGBClassifier(n_estimators=10, max_depth=3, random_state=0, n_jobs=1).fit(X[~test], y[~test])
model.save_model(sys.argv[1])
np.savez(sys.argv[2], X=X[test], y=y[test])
