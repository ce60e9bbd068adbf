#include "hyv/synth/normal_math.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace hyv::synth {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// x with the low 32 bits of its representation cleared (fdlibm's SET_LOW_WORD(z, 0)).
double clear_low_word(double x) {
  return std::bit_cast<double>(std::bit_cast<uint64_t>(x) & 0xffffffff00000000ULL);
}

}  // namespace

double fdlibm_exp(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double inv_ln2 = 1.44269504088896338700e+00;
  constexpr double P1 = 1.66666666666666019037e-01;
  constexpr double P2 = -2.77777777770155933842e-03;
  constexpr double P3 = 6.61375632143793436117e-05;
  constexpr double P4 = -1.65339022054652515390e-06;
  constexpr double P5 = 4.13813679705723846039e-08;
  if (std::isnan(x)) return x;
  if (x > 709.782712893383973096) return kInf;
  if (x < -745.13321910194110842) return 0.0;
  if (std::fabs(x) < 0x1p-28) return 1.0 + x;
  // x = k*ln2 + r with |r| <= ln2/2; k*ln2 split in two parts so the subtraction is exact.
  const double k = std::nearbyint(x * inv_ln2);
  const double hi = x - k * ln2_hi;
  const double lo = k * ln2_lo;
  const double r = hi - lo;
  const double t = r * r;
  const double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  return std::ldexp(y, static_cast<int>(k));
}

double fdlibm_log(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double Lg1 = 6.666666666666735130e-01;
  constexpr double Lg2 = 3.999999999940941908e-01;
  constexpr double Lg3 = 2.857142874366239149e-01;
  constexpr double Lg4 = 2.222219843214978396e-01;
  constexpr double Lg5 = 1.818357216161805012e-01;
  constexpr double Lg6 = 1.531383769920937332e-01;
  constexpr double Lg7 = 1.479819860511658591e-01;
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -kInf;
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2;
    --e;
  }
  const double f = m - 1.0;  // exact: m is within a factor two of 1
  const double k = e;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
}

double fdlibm_erfc(double x) {
  constexpr double erx = 8.45062911510467529297e-01;
  constexpr double pp0 = 1.28379167095512558561e-01, pp1 = -3.25042107247001499370e-01,
                   pp2 = -2.84817495755985104766e-02, pp3 = -5.77027029648944159157e-03,
                   pp4 = -2.37630166566501626084e-05;
  constexpr double qq1 = 3.97917223959155352819e-01, qq2 = 6.50222499887672944485e-02,
                   qq3 = 5.08130628187576562776e-03, qq4 = 1.32494738004321644526e-04,
                   qq5 = -3.96022827877536812320e-06;
  constexpr double pa0 = -2.36211856075265944077e-03, pa1 = 4.14856118683748331666e-01,
                   pa2 = -3.72207876035701323847e-01, pa3 = 3.18346619901161753674e-01,
                   pa4 = -1.10894694282396677476e-01, pa5 = 3.54783043256182359371e-02,
                   pa6 = -2.16637559486879084300e-03;
  constexpr double qa1 = 1.06420880400844228286e-01, qa2 = 5.40397917702171048937e-01,
                   qa3 = 7.18286544141962662868e-02, qa4 = 1.26171219808761642112e-01,
                   qa5 = 1.36370839120290507362e-02, qa6 = 1.19844998467991074170e-02;
  constexpr double ra0 = -9.86494403484714822705e-03, ra1 = -6.93858572707181764372e-01,
                   ra2 = -1.05586262253232909814e+01, ra3 = -6.23753324503260060396e+01,
                   ra4 = -1.62396669462573470355e+02, ra5 = -1.84605092906711035994e+02,
                   ra6 = -8.12874355063065934246e+01, ra7 = -9.81432934416914548592e+00;
  constexpr double sa1 = 1.96512716674392571292e+01, sa2 = 1.37657754143519042600e+02,
                   sa3 = 4.34565877475229228821e+02, sa4 = 6.45387271733267880336e+02,
                   sa5 = 4.29008140027567833386e+02, sa6 = 1.08635005541779435134e+02,
                   sa7 = 6.57024977031928170135e+00, sa8 = -6.04244152148580987438e-02;
  constexpr double rb0 = -9.86494292470009928597e-03, rb1 = -7.99283237680523006574e-01,
                   rb2 = -1.77579549177547519889e+01, rb3 = -1.60636384855821916062e+02,
                   rb4 = -6.37566443368389627722e+02, rb5 = -1.02509513161107724954e+03,
                   rb6 = -4.83519191608651397019e+02;
  constexpr double sb1 = 3.03380607434824582924e+01, sb2 = 3.25792512996573918826e+02,
                   sb3 = 1.53672958608443695994e+03, sb4 = 3.19985821950859553908e+03,
                   sb5 = 2.55305040643316442583e+03, sb6 = 4.74528541206955367215e+02,
                   sb7 = -2.24409524465858183362e+01;
  if (std::isnan(x)) return x;
  const double ax = std::fabs(x);
  if (ax < 0.84375) {
    if (ax < 0x1p-56) return 1.0 - x;
    const double z = x * x;
    const double r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    const double s = 1.0 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    const double y = r / s;
    if (x < 0.25) return 1.0 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const double s = ax - 1.0;
    const double P = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const double Q = 1.0 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    if (x >= 0) return (1.0 - erx) - P / Q;
    return 1.0 + (erx + P / Q);
  }
  if (ax < 28) {
    const double s = 1.0 / (ax * ax);
    double R, S;
    if (ax < 1.0 / 0.35) {
      R = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
      S = 1.0 +
          s * (sa1 +
               s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
    } else {
      if (x < -6) return 2.0;
      R = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
      S = 1.0 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
    }
    const double z = clear_low_word(ax);
    const double r = fdlibm_exp(-z * z - 0.5625) * fdlibm_exp((z - ax) * (z + ax) + R / S);
    return x > 0 ? r / ax : 2.0 - r / ax;
  }
  return x > 0 ? 0.0 : 2.0;
}

double normal_cdf(double z) {
  return 0.5 * fdlibm_erfc(-z * 0.70710678118654752440);
}

namespace {

constexpr int kCdfGridPerUnit = 128;
constexpr double kCdfGridEdge = 8;
constexpr int kCdfGridPoints = static_cast<int>(2 * kCdfGridEdge) * kCdfGridPerUnit + 1;

struct CdfTable {
  double value[kCdfGridPoints];
  double slope[kCdfGridPoints];  // density times the grid step
  CdfTable() {
    const double h = 1.0 / kCdfGridPerUnit;
    for (int j = 0; j < kCdfGridPoints; ++j) {
      double z = -kCdfGridEdge + j * h;
      value[j] = normal_cdf(z);
      slope[j] = h * 0.39894228040143267794 * fdlibm_exp(-0.5 * z * z);
    }
  }
};

}  // namespace

double normal_cdf_fast(double z) {
  if (!(z > -kCdfGridEdge && z < kCdfGridEdge)) return normal_cdf(z);
  static const CdfTable table;
  const double t = (z + kCdfGridEdge) * kCdfGridPerUnit;
  const int j = static_cast<int>(t);
  const double s = t - j, s2 = s * s, s3 = s2 * s;
  const double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2,
               h11 = s3 - s2;
  return h00 * table.value[j] + h10 * table.slope[j] + h01 * table.value[j + 1] +
         h11 * table.slope[j + 1];
}

double normal_quantile(double p) {
  if (!(p > 0)) return -kInf;
  if (!(p < 1)) return kInf;
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r +
                 6.7265770927008700853e+4) *
                    r +
                4.5921953931549871457e+4) *
                   r +
               1.3731693765509461125e+4) *
                  r +
              1.9715909503065514427e+3) *
                 r +
             1.3314166789178437745e+2) *
                r +
            3.3871328727963666080e+0) /
           (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r +
                 3.9307895800092710610e+4) *
                    r +
                2.1213794301586595867e+4) *
                   r +
               5.3941960214247511077e+3) *
                  r +
              6.8718700749205790830e+2) *
                 r +
             4.2313330701600911252e+1) *
                r +
            1.0);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-fdlibm_log(r));
  double value;
  if (r <= 5.0) {
    r -= 1.6;
    value = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
                  2.41780725177450611770e-1) *
                     r +
                 1.27045825245236838258e+0) *
                    r +
                3.64784832476320460504e+0) *
                   r +
               5.76949722146069140550e+0) *
                  r +
              4.63033784615654529590e+0) *
                 r +
             1.42343711074968357734e+0) /
            (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
                  1.51986665636164571966e-2) *
                     r +
                 1.48103976427480074590e-1) *
                    r +
                6.89767334985100004550e-1) *
                   r +
               1.67638483018380384940e+0) *
                  r +
              2.05319162663775882187e+0) *
                 r +
             1.0);
  } else {
    r -= 5.0;
    value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                  1.24266094738807843860e-3) *
                     r +
                 2.65321895265761230930e-2) *
                    r +
                2.96560571828504891230e-1) *
                   r +
               1.78482653991729133580e+0) *
                  r +
              5.46378491116411436990e+0) *
                 r +
             6.65790464350110377720e+0) /
            (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
                  1.84631831751005468180e-5) *
                     r +
                 7.86869131145613259100e-4) *
                    r +
                1.48753612908506148525e-2) *
                   r +
               1.36929880922735805310e-1) *
                  r +
              5.99832206555887937690e-1) *
                 r +
             1.0);
  }
  return q < 0 ? -value : value;
}

double open_uniform(engine::Rng& rng) {
  return (static_cast<double>(rng.next_u64() >> 11) + 0.5) * 0x1.0p-53;
}

double standard_normal(engine::Rng& rng) {
  return normal_quantile(open_uniform(rng));
}

double truncated_normal(engine::Rng& rng, double mu, double sd, double a, double b) {
  double alpha = (a - mu) / sd, beta = (b - mu) / sd;
  double u = open_uniform(rng);
  if (alpha > 0) {
    double pb = normal_cdf(-beta), pa = normal_cdf(-alpha);
    return mu - sd * normal_quantile(pb + u * (pa - pb));
  }
  double pa = normal_cdf(alpha), pb = normal_cdf(beta);
  return mu + sd * normal_quantile(pa + u * (pb - pa));
}

}  // namespace hyv::synth
