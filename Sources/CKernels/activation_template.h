// σ (the logistic function) and tanh for one precision and one width: activation_math.h
// includes this file once per (precision, width) after defining the element type T, the value
// type V (T itself, or an AVX2 vector), the name suffix SFX, the function attribute TARGET and
// the operations below. Every instantiation of a precision runs the same rounded operations in
// the same order (FMAs as fma() in the scalar forms), so a vector lane and a scalar give the same
// bits for the same input.
//
// Operations: V_SET1(c), V_ADD, V_SUB, V_MUL, V_DIV, V_FMA(a, b, c) = a·b + c rounded once,
// V_ABS, V_MIN(a, c) (c when a is NaN, as minps), V_RINT (to nearest, ties to even), V_GE(a, b),
// V_LT(a, b), V_SELECT(mask, a, b) (a where mask), V_ISNAN, V_COPYSIGN(magnitude, sign),
// V_SCALE2(p, k) = p·2^k for an integral k in [−2·EMAX, 0], as (p·2^⌊k/2⌋)·2^(k−⌊k/2⌋) so
// that a subnormal result is rounded once. Constants: C_LOG2E, C_LN2_HI + C_LN2_LO = ln 2
// (Cody & Waite's split: k·C_LN2_HI is exact for the k that occur), C_EXP_LIMIT (beyond it
// e^−y rounds to 0), EXP_COEFFICIENTS (the Taylor coefficients 1/n! of e^r, highest first, of
// degree EXP_DEGREE), TANH_SMALL_LIMIT and TANH_SMALL(a, s) (tanh(a) for 0 ≤ a < the limit,
// s = a²).

#define ACT_NAME2(a, b) a##_##b
#define ACT_NAME(a, b) ACT_NAME2(a, b)

/// e^−y for y ≥ 0 or NaN (NaN gives e^−C_EXP_LIMIT; the callers replace it): Cody–Waite range
/// reduction y = k·ln 2 − r, |r| ≤ ln(2)/2, then e^r by its Taylor polynomial (Horner, FMAs),
/// scaled by 2^k.
TARGET static inline V ACT_NAME(nnb_expneg, SFX)(V y) {
    V x = V_SUB(V_SET1(0), V_MIN(y, V_SET1(C_EXP_LIMIT)));
    V k = V_RINT(V_MUL(x, V_SET1(C_LOG2E)));
    V r = V_FMA(k, V_SET1(-C_LN2_HI), x);
    r = V_FMA(k, V_SET1(-C_LN2_LO), r);
    V p = V_SET1(EXP_COEFFICIENTS[0]);
    for (int n = 1; n <= EXP_DEGREE; n++) p = V_FMA(p, r, V_SET1(EXP_COEFFICIENTS[n]));
    return V_SCALE2(p, k);
}

/// σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) for x < 0, both from t = e^−|x| ≤ 1, so
/// nothing overflows: σ(+∞) = 1, σ(−∞) = 0, σ(±0) = 1/2, NaN stays NaN.
TARGET static inline V ACT_NAME(nnb_sigmoid, SFX)(V x) {
    V t = ACT_NAME(nnb_expneg, SFX)(V_ABS(x));
    V d = V_ADD(V_SET1(1), t);
    V s = V_SELECT(V_GE(x, V_SET1(0)), V_DIV(V_SET1(1), d), V_DIV(t, d));
    return V_SELECT(V_ISNAN(x), x, s);
}

/// tanh(x): TANH_SMALL below TANH_SMALL_LIMIT (where 1 − 2t/(1 + t) would cancel), else
/// 1 − 2t/(1 + t) with t = e^−2|x| (exactly 1 once 2t/(1 + t) is under half an ulp of 1); the
/// sign copied from x, so tanh is odd (tanh(−0) = −0) and tanh(±∞) = ±1.
TARGET static inline V ACT_NAME(nnb_tanh, SFX)(V x) {
    V a = V_ABS(x);
    V small = TANH_SMALL(a, V_MUL(a, a));
    V t = ACT_NAME(nnb_expneg, SFX)(V_ADD(a, a));
    V large = V_SUB(V_SET1(1), V_DIV(V_ADD(t, t), V_ADD(V_SET1(1), t)));
    V r = V_SELECT(V_LT(a, V_SET1(TANH_SMALL_LIMIT)), small, large);
    return V_SELECT(V_ISNAN(x), x, V_COPYSIGN(r, x));
}
