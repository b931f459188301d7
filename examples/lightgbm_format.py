"""LightGBM models written by hand in LightGBM's documented formats (the text of Booster.save_model
and the JSON of Booster.dump_model), for ctml's tests: LightGBM is not packaged for Debian 12, so
the tests write the model files themselves. Random trees (seeded) with every numerical decision
type LightGBM writes: default left or right, missing type None or NaN; thresholds drawn from the
data so that splits are live."""
from __future__ import annotations

import numpy as np


def random_trees(X: np.ndarray, n_trees: int, depth: int, seed: int, missing_types=(0, 2), scale: float = 0.3) -> list[dict]:
    """Trees in LightGBM's arrays: internal nodes 0..n-1, children >= 0 internal, ~leaf for leaves."""
    rng = np.random.RandomState(seed)
    trees = []
    for _ in range(n_trees):
        t = {"split_feature": [], "threshold": [], "decision_type": [], "left_child": [], "right_child": [], "leaf_value": []}

        def grow(d: int, rows: np.ndarray) -> int:
            if d == depth or len(rows) < 4 or rng.rand() < 0.15:
                t["leaf_value"].append(float(rng.randn() * scale))
                return ~(len(t["leaf_value"]) - 1)
            f = int(rng.randint(X.shape[1]))
            col = X[rows, f]
            col = col[np.isfinite(col)]
            th = float(np.median(col) + rng.randn() * 1e-3) if len(col) else 0.0
            missing = int(rng.choice(missing_types))
            dt = (2 if rng.rand() < 0.5 else 0) | (missing << 2)
            i = len(t["split_feature"])
            for k, v in (("split_feature", f), ("threshold", th), ("decision_type", dt), ("left_child", 0), ("right_child", 0)):
                t[k].append(v)
            x = X[rows, f]
            x0 = np.where(np.isnan(x), 0.0, x)
            left = np.where(np.isnan(x), bool(dt & 2), x0 <= th) if missing == 2 else x0 <= th
            t["left_child"][i] = grow(d + 1, rows[left])
            t["right_child"][i] = grow(d + 1, rows[~left])
            return i
        grow(0, np.arange(len(X)))
        trees.append(t)
    return trees


def _nums(v) -> str:
    return " ".join(repr(float(x)) if isinstance(x, float) else str(x) for x in v)


def text_model(trees: list[dict], objective: str, n_features: int, num_class: int = 1, per_iteration: int = 1) -> str:
    """The model as Booster.save_model writes it (the parts a reader needs, in LightGBM's order)."""
    lines = ["tree", "version=v3", f"num_class={num_class}", f"num_tree_per_iteration={per_iteration}", "label_index=0",
             f"max_feature_idx={n_features - 1}", f"objective={objective}",
             "feature_names=" + " ".join(f"Column_{j}" for j in range(n_features)),
             "feature_infos=" + " ".join("[-1e300:1e300]" for _ in range(n_features)), "tree_sizes=" + " ".join("0" for _ in trees), ""]
    for i, t in enumerate(trees):
        n = len(t["split_feature"])
        lines += [f"Tree={i}", f"num_leaves={n + 1}", "num_cat=0"]
        if n:
            lines += [f"split_feature={_nums(t['split_feature'])}", "split_gain=" + " ".join("1" for _ in range(n)),
                      f"threshold={_nums(t['threshold'])}", f"decision_type={_nums(t['decision_type'])}",
                      f"left_child={_nums(t['left_child'])}", f"right_child={_nums(t['right_child'])}"]
        lines += [f"leaf_value={_nums(t['leaf_value'])}", "leaf_weight=" + " ".join("1" for _ in t["leaf_value"]),
                  "leaf_count=" + " ".join("1" for _ in t["leaf_value"]), "is_linear=0", "shrinkage=0.1", "", ""]
    lines += ["end of trees", "", "feature_importances:", "", "parameters:", "[boosting: gbdt]", "end of parameters", "",
              "pandas_categorical:null", ""]
    return "\n".join(lines)


def json_model(trees: list[dict], objective: str, n_features: int, num_class: int = 1, per_iteration: int = 1) -> dict:
    """The same model as Booster.dump_model returns it (nested tree_structure nodes)."""
    missing = {0: "None", 1: "Zero", 2: "NaN"}

    def node(t: dict, c: int) -> dict:
        if c < 0:
            return {"leaf_index": ~c, "leaf_value": t["leaf_value"][~c]}
        d = t["decision_type"][c]
        return {"split_index": c, "split_feature": t["split_feature"][c], "threshold": t["threshold"][c],
                "decision_type": "<=", "default_left": bool(d & 2), "missing_type": missing[(d >> 2) & 3],
                "left_child": node(t, t["left_child"][c]), "right_child": node(t, t["right_child"][c])}
    info = [{"tree_index": i, "num_leaves": len(t["leaf_value"]), "num_cat": 0, "shrinkage": 0.1,
             "tree_structure": node(t, 0 if t["split_feature"] else -1)} for i, t in enumerate(trees)]
    return {"name": "tree", "version": "v3", "num_class": num_class, "num_tree_per_iteration": per_iteration,
            "label_index": 0, "max_feature_idx": n_features - 1, "objective": objective, "average_output": False,
            "feature_names": [f"Column_{j}" for j in range(n_features)], "tree_info": info}
