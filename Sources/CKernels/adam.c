// Adam's elementwise update (see `nnb_sadam_step_using` in CKernels.h). In C rather than Swift
// because the engine is compiled for baseline x86-64: there Swift's SIMD8 code ran four lanes wide
// and took each √ one lane at a time, whereas the AVX2 versions here, picked at run time, update
// eight floats or four doubles per instruction.
//
// Every value goes through exactly the operations of the formula, each rounded on its own (no
// contraction into FMAs, and √ and ÷ are correctly rounded in every instruction set), so vector
// lanes, scalar tails and the portable loops agree bit for bit with each other and with a plain
// scalar loop in Swift. Where float moments are subnormal, the AVX2 kernel reaches the same bits
// by other means, each proven exact below, because the hardware's own way there is ~100× slower
// on Intel's cores (not on AMD's, where the plain formula runs: sadam_careful_path_pays).

#pragma STDC FP_CONTRACT OFF

#include "CKernels.h"
#include "gemm_support.h"

#include <math.h>
#include <stdatomic.h>

/// One update, for scalars or (with scalar operands splatted) for vectors of values.
#define ADAM_UPDATE(T, SQRT, P, G, M, V)                                                   \
    {                                                                                       \
        T w = (P), grad = (G) + weight_decay * w;                                           \
        T first = beta1 * (M) + one_minus_beta1 * grad;                                     \
        T second = beta2 * (V) + one_minus_beta2 * grad * grad;                             \
        (M) = first;                                                                        \
        (V) = second;                                                                       \
        (P) = shrink * w - step_size * (first / (SQRT(second) / correction + epsilon));     \
    }

#define ADAM_PARAMETERS(T)                                                                  \
    T *restrict p, const T *restrict g, T *restrict m, T *restrict v, ptrdiff_t count,      \
    T step_size, T correction, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2,      \
    T epsilon, T weight_decay, T shrink

#define ADAM_ARGUMENTS                                                                      \
    p, g, m, v, count, step_size, correction, beta1, one_minus_beta1, beta2,                \
    one_minus_beta2, epsilon, weight_decay, shrink

static void sadam_portable(ADAM_PARAMETERS(float)) {
    for (ptrdiff_t i = 0; i < count; i++) ADAM_UPDATE(float, sqrtf, p[i], g[i], m[i], v[i])
}

static void dadam_portable(ADAM_PARAMETERS(double)) {
    for (ptrdiff_t i = 0; i < count; i++) ADAM_UPDATE(double, sqrt, p[i], g[i], m[i], v[i])
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Whole registers of lanes through the vector form, then the last few values one at a time.
#define ADAM_AVX2_LOOP(T, LANES, VT, SUFFIX, SQRT)                                          \
    ptrdiff_t i = 0;                                                                        \
    for (; i + LANES <= count; i += LANES) {                                                \
        VT P = _mm256_loadu_##SUFFIX(p + i), G = _mm256_loadu_##SUFFIX(g + i);              \
        VT M = _mm256_loadu_##SUFFIX(m + i), V = _mm256_loadu_##SUFFIX(v + i);              \
        ADAM_UPDATE(VT, _mm256_sqrt_##SUFFIX, P, G, M, V)                                   \
        _mm256_storeu_##SUFFIX(m + i, M);                                                   \
        _mm256_storeu_##SUFFIX(v + i, V);                                                   \
        _mm256_storeu_##SUFFIX(p + i, P);                                                   \
    }                                                                                       \
    for (; i < count; i++) ADAM_UPDATE(T, SQRT, p[i], g[i], m[i], v[i])

// Float moments in the subnormal range. A unit that ReLU has switched off gets g = 0 exactly, so
// m ← β1·m decays below 2^-126 and stays there (0.9·k·2^-149 rounds back to k·2^-149 for small
// k); v follows after ~60,000 such steps. x86 computes a product or quotient that reads or yields
// a subnormal in a microcode assist, about 100 times slower, and the small MLP spent 61 % of its
// step there. Flushing them (FTZ/DAZ) would change the curves' bits, so a vector holding such a
// moment takes a careful path that gives the bits of the plain formula under IEEE arithmetic
// (round to nearest even, gradual underflow) without any subnormal operand or result:
//
// - For |x| < 2^-125 the pattern of x (sign aside) is the integer k with x = k·2^-149: the
//   subnormals and the first normal binade share the spacing 2^-149. For 1/2 < β < 1, β·x lies
//   below 2^-125 too, on the same grid, so fl(β·x) = rne(β·k)·2^-149, whose pattern is the
//   integer rne(β·k). β·k (24 by 24 bits) is exact in double and its rounding to an integer is
//   ties-to-even as the hardware's; the result is ≥ 1 (β·k > 1/2), never zero. For |x| ≥ 2^-125
//   the product is ≥ 2^-126, normal, and the hardware computes it at full speed.
// - With g = ±0 and no L2 decay, grad = g + 0·w = ±0 (w finite), so (1−β1)·grad = ±0 and
//   (1−β2)·grad² = +0 (both factors finite and positive): m's sum is fl(β1·m) + ±0 = fl(β1·m),
//   nonzero for m ≠ 0, and v's is fl(β2·v) + (+0) = fl(β2·v) for v ≥ +0 (+0 + +0 being +0).
// - The step a − b, a = fl(shrink·w), b = fl(s·fl(m / d)) with s the step size and m the new
//   first moment (so below too), leaves a unchanged when |b| < 2^-25·|a|: b is then less than
//   half the gap to either neighbour of a (the gap below a power of two is half the one above,
//   hence 2^-25 rather than 2^-24), and a − (±0) = a. Rounding to nearest is monotone, with |fl(x)| ≤ |x|·(1+u) + 2^-150, u = 2^-24
//   (relative error in the normal range, half the spacing 2^-149 below it); and d ≥ ε because
//   fl(fl(√v/c) + ε) ≥ fl(0 + ε) for c > 0. So |b| ≤ X·(1+u)² + (|s|+1)·(1+u)·2^-150 with
//   X = |s|·|m|/ε. In exponent fields E (biased; a subnormal's taken as 1), |s| < 2^(Es−126),
//   |m| < 2^(Em−126), ε ≥ 2^(Eε−127), |a| ≥ 2^(Ea−127), so X < 2^(Es+Em−Eε−125) and
//   |s|+1 < 2^(max(Es−126, 0)+1). If Ea ≥ Es + Em − Eε + 29, then X·(1+u)² < 2X ≤ 2^(Ea−153);
//   if Ea ≥ max(Es−126, 0) + 5, the other term is < 2^(Ea−153); together |b| < 2^(Ea−152) ≤
//   2^-25·|a|. Integer comparisons of exponent fields, nothing computed near the subnormals.
//   Weights are ≥ 2^-50 or so, steps ≤ 2^-100 when m is that small: the margin is vast.
// Any other lane of a careful vector (g ≠ 0 on a small moment, the bound not met, p zero,
// NaN or ∞ among the inputs) is updated by the plain formula one value at a time afterwards:
// slow, but the same operations, so the same bits. The careful path applies only where its
// premises hold for the whole call: no L2 decay, 1/2 < β < 1 with 1 − β > 0, ε normal and
// positive, c > 0, s finite, and MXCSR in its default state (round to nearest, no FTZ or DAZ;
// otherwise the plain formula's bits are whatever that state makes them, and the plain loop runs).

/// Patterns with the sign cleared below this are |x| < 2^-125: x = pattern·2^-149.
#define FINE_GRID 0x01000000
/// The smallest normal float's pattern.
#define FLOAT_NORMAL 0x00800000
/// +∞'s pattern; finite magnitudes are below it.
#define FLOAT_INFINITY 0x7f800000
/// |m| < 2^-100 sends a vector down the careful path: from there on β1·m, m / d or the step's
/// product can come within reach of the subnormals at ordinary step sizes and d. A lane sent
/// the wrong way costs time, never bits: both paths give the formula's bits.
#define SMALL_MOMENT (27 << 23)
/// Rounding to the nearest integer, ties to even, whatever MXCSR says.
#define NEAREST (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/// The lanes' patterns with the sign cleared, as integers (comparable in signed order).
__attribute__((target("avx2")))
static inline __m256i magnitude_bits(__m256 x) {
    return _mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32(0x7fffffff));
}

/// x, hidden from the optimizer. Replacing a lane's input before an operation and dropping that
/// lane's result afterwards looks to the compiler like a no-op it may remove (it ignores the
/// slow path), putting the subnormal back into the multiply: a replacement goes through this.
__attribute__((target("avx2")))
static inline __m256 opaque(__m256 x) {
    __asm__("" : "+x"(x));
    return x;
}

/// All-ones lanes where low ≤ bits < high (bits ≥ 0).
__attribute__((target("avx2")))
static inline __m256i bits_within(__m256i bits, int low, int high) {
    return _mm256_and_si256(_mm256_cmpgt_epi32(bits, _mm256_set1_epi32(low - 1)),
                            _mm256_cmpgt_epi32(_mm256_set1_epi32(high), bits));
}

/// fl(β·x) for every lane (see above): from x's pattern where |x| < 2^-125, by the hardware
/// (on a harmless stand-in for the other lanes) elsewhere.
__attribute__((target("avx2")))
static inline __m256 decay(__m256 x, float beta) {
    __m256i bits = _mm256_castps_si256(x);
    __m256i sign = _mm256_and_si256(bits, _mm256_set1_epi32((int)0x80000000));
    __m256i k = _mm256_xor_si256(bits, sign);
    __m256 fine = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(FINE_GRID), k));
    if (!_mm256_movemask_ps(fine)) return _mm256_mul_ps(_mm256_set1_ps(beta), x);
    __m256d b = _mm256_set1_pd(beta);
    __m256d low = _mm256_round_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(k)), b), NEAREST);
    __m256d high = _mm256_round_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1)), b), NEAREST);
    __m256i scaled = _mm256_set_m128i(_mm256_cvtpd_epi32(high), _mm256_cvtpd_epi32(low));
    __m256 on_grid = _mm256_castsi256_ps(_mm256_or_si256(scaled, sign));
    __m256 by_hardware = _mm256_mul_ps(_mm256_set1_ps(beta), opaque(_mm256_blendv_ps(x, _mm256_set1_ps(1), fine)));
    return _mm256_blendv_ps(by_hardware, on_grid, fine);
}

/// All-ones in lane j where bit j of `bits` is set.
__attribute__((target("avx2")))
static inline __m256 lanes_of(int bits) {
    const __m256i each = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    __m256i set = _mm256_and_si256(_mm256_set1_epi32(bits), each);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(set, each));
}

/// Exponent fields of the call's scalars for the bound above: Es − Eε + 29 and
/// max(Es − 126, 0) + 5.
typedef struct {
    int moment_offset, floor;
} negligible_step;

/// The careful path for the eight values at offset i whose lanes `careful` (bits) hold a small
/// moment: the shortcut above where its premises and bound hold, the vector formula on the
/// other lanes, the plain formula one value at a time where neither applies.
__attribute__((target("avx2")))
static void sadam_careful_vector(ADAM_PARAMETERS(float), ptrdiff_t i, int careful, negligible_step bound) {
    (void)count;  // i is given
    __m256 P = _mm256_loadu_ps(p + i), G = _mm256_loadu_ps(g + i);
    __m256 M = _mm256_loadu_ps(m + i), V = _mm256_loadu_ps(v + i);
    const __m256 zero = _mm256_setzero_ps(), ones = _mm256_set1_ps(1);

    __m256 decayed_m = decay(M, beta1), decayed_v = decay(V, beta2);
    __m256i p_normal = bits_within(magnitude_bits(P), FLOAT_NORMAL, FLOAT_INFINITY);
    __m256 a = _mm256_mul_ps(_mm256_set1_ps(shrink), opaque(_mm256_blendv_ps(ones, P, _mm256_castsi256_ps(p_normal))));
    __m256i exponent_m = _mm256_max_epi32(_mm256_srli_epi32(magnitude_bits(decayed_m), 23), _mm256_set1_epi32(1));
    __m256i exponent_a = _mm256_srli_epi32(magnitude_bits(a), 23);
    __m256i step_negligible = _mm256_and_si256(
        _mm256_cmpgt_epi32(exponent_a, _mm256_add_epi32(exponent_m, _mm256_set1_epi32(bound.moment_offset - 1))),
        bits_within(exponent_a, bound.floor, 255));
    // Where every premise holds: g = ±0, m finite and nonzero, v finite and ≥ +0, p normal.
    __m256i premises = _mm256_and_si256(
        _mm256_and_si256(_mm256_cmpeq_epi32(magnitude_bits(G), _mm256_setzero_si256()),
                         bits_within(magnitude_bits(M), 1, FLOAT_INFINITY)),
        _mm256_and_si256(bits_within(_mm256_castps_si256(V), 0, FLOAT_INFINITY), p_normal));
    int shortcut = careful & _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(premises, step_negligible)));
    __m256 shortcut_lanes = lanes_of(shortcut);
    __m256 newP = a, newM = decayed_m, newV = decayed_v;
    if (careful != 0xff) {
        // The other lanes through the vector formula, the careful lanes' inputs replaced by
        // harmless values (their results are not used).
        __m256 careful_lanes = lanes_of(careful);
        __m256 plainP = opaque(_mm256_blendv_ps(P, ones, careful_lanes));
        __m256 plainG = opaque(_mm256_blendv_ps(G, zero, careful_lanes));
        __m256 plainM = opaque(_mm256_blendv_ps(M, zero, careful_lanes));
        __m256 plainV = opaque(_mm256_blendv_ps(V, zero, careful_lanes));
        ADAM_UPDATE(__m256, _mm256_sqrt_ps, plainP, plainG, plainM, plainV)
        newP = _mm256_blendv_ps(plainP, a, shortcut_lanes);
        newM = _mm256_blendv_ps(plainM, decayed_m, shortcut_lanes);
        newV = _mm256_blendv_ps(plainV, decayed_v, shortcut_lanes);
    }
    // Careful lanes without a shortcut keep their inputs here and are updated one by one below.
    __m256 leftover_lanes = _mm256_andnot_ps(shortcut_lanes, lanes_of(careful));
    _mm256_storeu_ps(p + i, _mm256_blendv_ps(newP, P, leftover_lanes));
    _mm256_storeu_ps(m + i, _mm256_blendv_ps(newM, M, leftover_lanes));
    _mm256_storeu_ps(v + i, _mm256_blendv_ps(newV, V, leftover_lanes));
    for (int leftover = careful & ~shortcut; leftover; leftover &= leftover - 1) {
        ptrdiff_t j = i + __builtin_ctz(leftover);
        ADAM_UPDATE(float, sqrtf, p[j], g[j], m[j], v[j])
    }
}

/// A float's biased exponent field.
static int exponent_field(float x) {
    union { float f; unsigned u; } bits = {x};
    return (int)((bits.u >> 23) & 0xff);
}

/// Whether the careful path's premises hold for this call (see above).
static int sadam_careful_path_applies(ADAM_PARAMETERS(float)) {
    (void)p, (void)g, (void)m, (void)v, (void)count, (void)shrink;  // the premises concern the scalars
    const unsigned non_default_mxcsr = 0x6000 | 0x8000 | 0x0040;  // rounding control, FTZ, DAZ
    return weight_decay == 0 && beta1 > 0.5f && beta1 < 1 && beta2 > 0.5f && beta2 < 1 &&
           one_minus_beta1 > 0 && one_minus_beta1 < INFINITY && one_minus_beta2 > 0 && one_minus_beta2 < INFINITY &&
           epsilon >= 0x1p-126f && epsilon < INFINITY && correction > 0 && fabsf(step_size) < INFINITY &&
           (_mm_getcsr() & non_default_mxcsr) == 0;
}

/// Eight values at offset i: the vector formula, or the careful path if a lane holds a small moment.
/// Inlined: as a call per eight values, with its fourteen scalar arguments, it cost more than the
/// vector formula itself.
__attribute__((target("avx2"), always_inline))
static inline void sadam_eight(ADAM_PARAMETERS(float), ptrdiff_t i, negligible_step bound) {
    __m256 P = _mm256_loadu_ps(p + i), G = _mm256_loadu_ps(g + i);
    __m256 M = _mm256_loadu_ps(m + i), V = _mm256_loadu_ps(v + i);
    __m256i careful = _mm256_or_si256(bits_within(magnitude_bits(M), 1, SMALL_MOMENT),
                                      bits_within(magnitude_bits(V), 1, FINE_GRID));
    int careful_lanes = _mm256_movemask_ps(_mm256_castsi256_ps(careful));
    if (careful_lanes) {
        sadam_careful_vector(ADAM_ARGUMENTS, i, careful_lanes, bound);
        return;
    }
    ADAM_UPDATE(__m256, _mm256_sqrt_ps, P, G, M, V)
    _mm256_storeu_ps(m + i, M);
    _mm256_storeu_ps(v + i, V);
    _mm256_storeu_ps(p + i, P);
}

/// Whether the careful path is worth taking on this CPU (it gives the same bits either way). On
/// Intel's cores a subnormal operand or result costs a microcode assist, ~100× the operation
/// (Sapphire Rapids: the small MLP spent 61 % of its step there). AMD's cores compute them in
/// hardware: on Zen 5 products and sums with subnormals run at full speed and quotients and
/// square roots at about a third, so the careful path's extra work costs more than it saves (the
/// update of a 2-64-64-2 MLP's 4,482 values with 30 % of its hidden units dead: 8–12 µs plain,
/// 15–28 µs careful). NNB_KERNEL_AVX2_ONLY takes it wherever it applies, so that tests check it
/// on every CPU.
static int sadam_careful_path_pays(nnb_kernel kernel) {
    if (kernel == NNB_KERNEL_AVX2_ONLY) return 1;
    static _Atomic int cached = -1;  // racing first calls compute the same answer
    int value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (value < 0) {
        __builtin_cpu_init();
        value = !__builtin_cpu_is("amd");
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value;
}

__attribute__((target("avx2")))
static void sadam_avx2(int careful_path, ADAM_PARAMETERS(float)) {
    if (!careful_path || !sadam_careful_path_applies(ADAM_ARGUMENTS)) {
        ADAM_AVX2_LOOP(float, 8, __m256, ps, sqrtf)
        return;
    }
    int es = exponent_field(step_size);
    negligible_step bound = {es - exponent_field(epsilon) + 29, (es > 126 ? es - 126 : 0) + 5};
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) sadam_eight(ADAM_ARGUMENTS, i, bound);
    if (i == count) return;
    // The last few values padded to a whole vector (the padding, p = 1 and zeros, is never
    // careful), so that their small moments avoid the slow path too; lanes are independent.
    ptrdiff_t tail = count - i;
    float tail_p[8] = {1, 1, 1, 1, 1, 1, 1, 1}, tail_g[8] = {0}, tail_m[8] = {0}, tail_v[8] = {0};
    for (ptrdiff_t j = 0; j < tail; j++) tail_p[j] = p[i + j], tail_g[j] = g[i + j], tail_m[j] = m[i + j], tail_v[j] = v[i + j];
    sadam_eight(tail_p, tail_g, tail_m, tail_v, 8, step_size, correction, beta1, one_minus_beta1, beta2,
                one_minus_beta2, epsilon, weight_decay, shrink, 0, bound);
    for (ptrdiff_t j = 0; j < tail; j++) p[i + j] = tail_p[j], m[i + j] = tail_m[j], v[i + j] = tail_v[j];
}

/// The vector formula sixteen values at a time, the last few masked (the other lanes compute on
/// zeros and are not stored): where the careful path does not pay and the CPU has AVX-512 (on
/// Zen 5 half the time of eight at a time: its √ and ÷ are as fast on 16 lanes as on 8).
__attribute__((target("avx512f")))
static void sadam_avx512(ADAM_PARAMETERS(float)) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        __mmask16 lanes = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 P = _mm512_maskz_loadu_ps(lanes, p + i), G = _mm512_maskz_loadu_ps(lanes, g + i);
        __m512 M = _mm512_maskz_loadu_ps(lanes, m + i), V = _mm512_maskz_loadu_ps(lanes, v + i);
        ADAM_UPDATE(__m512, _mm512_sqrt_ps, P, G, M, V)
        _mm512_mask_storeu_ps(m + i, lanes, M);
        _mm512_mask_storeu_ps(v + i, lanes, V);
        _mm512_mask_storeu_ps(p + i, lanes, P);
    }
}

__attribute__((target("avx2")))
static void dadam_avx2(ADAM_PARAMETERS(double)) {
    ADAM_AVX2_LOOP(double, 4, __m256d, pd, sqrt)
}
#endif

void nnb_sadam_step_using(nnb_kernel kernel, ADAM_PARAMETERS(float)) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) {
        int careful_path = sadam_careful_path_pays(kernel);
        if (!careful_path && kernel == NNB_KERNEL_AUTOMATIC && nnb_cpu_has_avx512f()) sadam_avx512(ADAM_ARGUMENTS);
        else sadam_avx2(careful_path, ADAM_ARGUMENTS);
        return;
    }
#endif
    sadam_portable(ADAM_ARGUMENTS);
}

void nnb_dadam_step_using(nnb_kernel kernel, ADAM_PARAMETERS(double)) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) {
        dadam_avx2(ADAM_ARGUMENTS);
        return;
    }
#endif
    dadam_portable(ADAM_ARGUMENTS);
}
