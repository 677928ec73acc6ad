// The engine's σ and tanh (Sources/CKernels/activation_math.h) over every float and a sample of
// doubles: the largest error in ulp against a reference in a wider type (double for float, long
// double for double), monotonicity, oddness of tanh, the vector forms against the scalar forms
// bit for bit, and the special values. Built and run by scripts/activation_accuracy.py.

#include "activation_math.h"
#include "gemm_support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/// |y − r| in units of the last place of r's binade in a format of `digits` significand bits and
/// smallest exponent `emin` (subnormals count in the smallest ulp).
static long double ulp_error(long double y, long double r, int digits, int emin) {
    if (r == 0) return y == 0 ? 0 : INFINITY;
    int e;
    frexpl(fabsl(r), &e);
    int ulp_exponent = e - digits;
    if (ulp_exponent < emin - digits + 1) ulp_exponent = emin - digits + 1;
    return fabsl(y - r) / ldexpl(1.0L, ulp_exponent);
}

typedef struct { double worst; float at; } worst_f;

static void note(worst_f *w, double error, float x) {
    if (error > w->worst) { w->worst = error; w->at = x; }
}

static float float_from_index(int64_t i) {  // i in [−2^31 + …]: negative i gives −|x|, so the order is by value
    uint32_t bits = i < 0 ? (uint32_t)(-i) | 0x80000000u : (uint32_t)i;
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

__attribute__((target("avx2,fma"))) static void floats(int64_t stride) {
    worst_f sigmoid = {0, 0}, tanh_ = {0, 0};
    long mismatches = 0, sigmoid_decreases = 0, tanh_decreases = 0, not_odd = 0, out_of_range = 0;
    float previous_s = 0, previous_t = -1;
    const int64_t last = 0x7f800000;  // +∞; −∞ is −last
    for (int64_t i = -last; i <= last; i += 8 * stride) {
        float x[8], s8[8], t8[8];
        for (int j = 0; j < 8; j++) x[j] = float_from_index(i + j * stride <= last ? i + j * stride : last);
        _mm256_storeu_ps(s8, nnb_sigmoid_f8(_mm256_loadu_ps(x)));
        _mm256_storeu_ps(t8, nnb_tanh_f8(_mm256_loadu_ps(x)));
        for (int j = 0; j < 8 && i + j * stride <= last; j++) {
            float s = nnb_sigmoid_f(x[j]), t = nnb_tanh_f(x[j]);
            if (memcmp(&s, &s8[j], 4) || memcmp(&t, &t8[j], 4)) mismatches++;
            double xd = x[j];
            note(&sigmoid, (double)ulp_error(s, 1 / (1 + exp(-xd)), 24, -126), x[j]);
            note(&tanh_, (double)ulp_error(t, tanh(xd), 24, -126), x[j]);
            if (s < previous_s) sigmoid_decreases++;
            if (t < previous_t) tanh_decreases++;
            if (!(s >= 0 && s <= 1 && t >= -1 && t <= 1)) out_of_range++;
            float negated = nnb_tanh_f(-x[j]);
            if (memcmp(&negated, &(float){-t}, 4)) not_odd++;
            previous_s = s;
            previous_t = t;
        }
    }
    if (stride == 1) printf("float, all %lld finite and infinite values:\n", 2LL * last + 1 - 1);
    else printf("float, every %lld-th bit pattern from -inf to +inf:\n", (long long)stride);
    printf("  sigmoid: max error %.3f ulp (at x = %a = %.9g)\n", sigmoid.worst, sigmoid.at, sigmoid.at);
    printf("  tanh:    max error %.3f ulp (at x = %a = %.9g)\n", tanh_.worst, tanh_.at, tanh_.at);
    printf("  decreasing steps: sigmoid %ld, tanh %ld; tanh(-x) != -tanh(x): %ld; outside [0,1] or [-1,1]: %ld\n",
           sigmoid_decreases, tanh_decreases, not_odd, out_of_range);
    printf("  AVX2 lanes differing from the scalar form: %ld\n", mismatches);
    float nan = NAN, tiny = 0x1p-149f;
    printf("  sigmoid(-inf, -0, +0, +inf) = %g %g %g %g; sigmoid(-100) = %a; sigmoid(NaN) is NaN: %d\n",
           nnb_sigmoid_f(-INFINITY), nnb_sigmoid_f(-0.0f), nnb_sigmoid_f(0.0f), nnb_sigmoid_f(INFINITY),
           nnb_sigmoid_f(-100.0f), isnan(nnb_sigmoid_f(nan)));
    printf("  tanh(-inf, +inf) = %g %g; tanh(-0) = %g; tanh(2^-149) = %a; tanh(NaN) is NaN: %d\n",
           nnb_tanh_f(-INFINITY), nnb_tanh_f(INFINITY), nnb_tanh_f(-0.0f), nnb_tanh_f(tiny), isnan(nnb_tanh_f(nan)));
}

/// A double spread over every binade: the bit pattern of a random 64-bit number, redrawn when it
/// is not finite or beyond ±750 (past where σ and tanh saturate).
static uint64_t state = 0x9E3779B97F4A7C15u;
static double random_double(void) {
    for (;;) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        double x;
        memcpy(&x, &state, sizeof x);
        if (isfinite(x) && fabs(x) <= 750) return x;
    }
}

__attribute__((target("avx2,fma"))) static void doubles(long samples) {
    double worst_s = 0, worst_t = 0, at_s = 0, at_t = 0;
    long mismatches = 0;
    for (long n = 0; n < samples; n += 4) {
        double x[4], s4[4], t4[4];
        for (int j = 0; j < 4; j++) x[j] = n % 8 ? random_double() : (random_double() - 375) / 20;  // half of them near 0
        _mm256_storeu_pd(s4, nnb_sigmoid_d4(_mm256_loadu_pd(x)));
        _mm256_storeu_pd(t4, nnb_tanh_d4(_mm256_loadu_pd(x)));
        for (int j = 0; j < 4; j++) {
            double s = nnb_sigmoid_d(x[j]), t = nnb_tanh_d(x[j]);
            if (memcmp(&s, &s4[j], 8) || memcmp(&t, &t4[j], 8)) mismatches++;
            long double xl = x[j];
            double es = (double)ulp_error(s, 1 / (1 + expl(-xl)), 53, -1022);
            double et = (double)ulp_error(t, tanhl(xl), 53, -1022);
            if (es > worst_s) { worst_s = es; at_s = x[j]; }
            if (et > worst_t) { worst_t = et; at_t = x[j]; }
        }
    }
    printf("double, %ld samples (every binade, and half of them in [-19, 19]):\n", samples);
    printf("  sigmoid: max error %.3f ulp (at x = %a = %.17g)\n", worst_s, at_s, at_s);
    printf("  tanh:    max error %.3f ulp (at x = %a = %.17g)\n", worst_t, at_t, at_t);
    printf("  AVX2 lanes differing from the scalar form: %ld\n", mismatches);
}

int main(int argc, char **argv) {
    long samples = argc > 1 ? atol(argv[1]) : 20000000;
    int64_t stride = argc > 2 ? atol(argv[2]) : 1;
    if (!nnb_cpu_has_avx2_fma()) { fprintf(stderr, "needs a CPU with AVX2 and FMA\n"); return 2; }
    floats(stride);
    doubles(samples);
    return 0;
}
