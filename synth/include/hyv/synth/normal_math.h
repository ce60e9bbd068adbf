// The few transcendental functions the Gaussian copula needs, written out with only +, -, *, /,
// sqrt and exact scaling (frexp/ldexp), so the results are the same bits on every IEEE-754
// platform (libm's exp/log/erfc are not specified to the last bit and differ between glibc, musl
// and wasi-libc). Accuracy is within a few ulp of the true values, which is far below what the
// copula can see.
//
//   double z = hyv::synth::standard_normal(rng);       // one N(0,1) draw by inversion
//   double u = hyv::synth::normal_cdf(z);              // back to (0, 1)
//   double z2 = hyv::synth::normal_quantile(u);        // z2 ~= z
#pragma once

#include "hyv/engine/rng.h"

namespace hyv::synth {

// fdlibm's algorithms (Sun Microsystems, freely redistributable) without bit tricks.
double fdlibm_exp(double x);
double fdlibm_log(double x);  // x > 0
double fdlibm_erfc(double x);

// Phi(z) = P(Z <= z) for Z ~ N(0, 1).
double normal_cdf(double z);
// Phi(z) for the sampler's hot path: cubic Hermite interpolation of Phi and its density on a
// 1/128 grid over [-8, 8] (tables built once from normal_cdf), absolute error below 1e-10;
// normal_cdf outside the grid. Same bits everywhere, like the rest.
double normal_cdf_fast(double z);
// Phi^-1(p) for 0 < p < 1 (Wichura's AS 241, ~1e-16 relative); +-infinity at 0 and 1.
double normal_quantile(double p);
// Uniform in the open interval (0, 1) with 53 random bits.
double open_uniform(engine::Rng& rng);
// One standard normal draw: normal_quantile(open_uniform(rng)).
double standard_normal(engine::Rng& rng);
// N(mu, sd^2) truncated to [a, b], by inversion on the tail farther from the mean so the
// probabilities stay representable.
double truncated_normal(engine::Rng& rng, double mu, double sd, double a, double b);

}  // namespace hyv::synth
