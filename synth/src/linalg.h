// Small dense linear algebra for the copula (d x d with d = a few dozen columns), row-major.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace hyv::synth::linalg {

// Lower-triangular L with L L^T = a; false when a is not (numerically) positive definite.
inline bool cholesky(const std::vector<double>& a, size_t n, std::vector<double>* l) {
  l->assign(n * n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= (*l)[j * n + k] * (*l)[j * n + k];
    if (!(d > 1e-10)) return false;
    double ljj = std::sqrt(d);
    (*l)[j * n + j] = ljj;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= (*l)[i * n + k] * (*l)[j * n + k];
      (*l)[i * n + j] = s / ljj;
    }
  }
  return true;
}

// Shrinks a correlation matrix toward the identity, (1 - lambda) a + lambda I, with the smallest
// lambda in 0, 1e-6, 1e-5, ... that has a Cholesky factor. Returns lambda.
inline double make_positive_definite(std::vector<double>* a, size_t n, std::vector<double>* l) {
  if (cholesky(*a, n, l)) return 0;
  std::vector<double> original = *a;
  for (double lambda = 1e-6; lambda < 1; lambda *= 10) {
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        (*a)[i * n + j] = (1 - lambda) * original[i * n + j] + (i == j ? lambda : 0.0);
      }
    }
    if (cholesky(*a, n, l)) return lambda;
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) (*a)[i * n + j] = i == j ? 1.0 : 0.0;
  }
  cholesky(*a, n, l);
  return 1;
}

// Solves a x = b for symmetric positive definite a given its Cholesky factor l.
inline std::vector<double> cholesky_solve(const std::vector<double>& l, size_t n,
                                          std::vector<double> b) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k) b[i] -= l[i * n + k] * b[k];
    b[i] /= l[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k) b[i] -= l[k * n + i] * b[k];
    b[i] /= l[i * n + i];
  }
  return b;
}

}  // namespace hyv::synth::linalg
