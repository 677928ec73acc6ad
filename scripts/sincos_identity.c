// glibc's sincos(x) against sin(x) and cos(x), bit for bit, on the arguments nnbench's generators
// pass them: t = π·u (moons' `uniform(0, π)`) and a = 2π·u (Box–Muller's angle), u = k·2^-53.
// Random k (SplitMix64), plus every k in windows of 2^22 around glibc's branch points
// (|x| = 2^-27, 2^-26, 0.855469, 2.426265), π/2, π, 3π/2 and the ends of the range. Prints the count and
// the first differences; exit status 1 on any difference. Why: README.md, Speed, "Dataset generation"
// (the same bits, but not faster in the generators on glibc 2.36, so they still call sin and cos).
//
//   cc -O2 scripts/sincos_identity.c -lm -o /tmp/sincos_identity
//   /tmp/sincos_identity 1000000000                                # 2.1·10^9 arguments, about a minute
//   GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA /tmp/sincos_identity       # sin, cos: AVX; sincos: SSE2
//   GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-FMA /tmp/sincos_identity  # all three SSE2
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 12345;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
// Through volatile pointers, so that the compiler cannot fuse sin and cos into sincos itself.
static double (*volatile sin_p)(double) = sin;
static double (*volatile cos_p)(double) = cos;
static void (*volatile sincos_p)(double, double *, double *) = sincos;
static long checked, differ;

static void check(double x) {
    double s, c;
    sincos_p(x, &s, &c);
    double s2 = sin_p(x), c2 = cos_p(x);
    checked++;
    if (memcmp(&s, &s2, 8) != 0 || memcmp(&c, &c2, 8) != 0) {
        if (differ++ < 10) printf("differs at %a: sincos %a %a, sin %a cos %a\n", x, s, c, s2, c2);
    }
}
static void check_k(uint64_t k) {
    double u = (double)k * 0x1.0p-53;
    check(0 + (M_PI - 0) * u);
    check(2 * M_PI * u);
}
static void window(double scale, double x) {  // every k with scale·k·2^-53 within 2^21 k of x
    int64_t centre = (int64_t)(x / scale * 0x1.0p53);
    for (int64_t k = centre - (1 << 21); k < centre + (1 << 21); k++)
        if (k >= 0 && k < (1ll << 53)) check_k((uint64_t)k);
}
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000000;
    for (long i = 0; i < n; i++) check_k(next() >> 11);
    const double points[] = {0, 0x1p-27, 0x1p-26, 0.855469, 2.426265, M_PI / 2, M_PI, 3 * M_PI / 2, 2 * M_PI};
    for (size_t p = 0; p < sizeof points / sizeof *points; p++) { window(M_PI, points[p]); window(2 * M_PI, points[p]); }
    printf("%ld arguments, %ld differ\n", checked, differ);
    return differ != 0;
}
