/* A naive float C baseline written here (not a peer's output): the breast-cancer
 * Pipeline(StandardScaler, LinearSVC) evaluated the way a direct port of scikit-learn's arithmetic
 * would do it, in float: z = (x - mean) / scale, then intercept + coef . z, class 1 when > 0.
 * The parameters come from naive_linear_svc_params.h, which bench/peer_compare.py writes from the
 * trained model. Plain C99, const arrays as any port would declare them. */
#include "naive_linear_svc_params.h"

int naive_linear_svc_predict(const float *x) {
  float s = NAIVE_INTERCEPT;
  for (int j = 0; j < NAIVE_N_FEATURES; ++j) s += naive_coef[j] * ((x[j] - naive_mean[j]) / naive_scale[j]);
  return s > 0.0f ? 1 : 0;
}
