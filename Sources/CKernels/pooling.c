// Max pooling's forward pass for floats (see `nnb_smax_pool` in CKernels.h). In C rather than
// Swift because the choice "does this value win?" must stay a select: written in Swift, LLVM's
// code generation turned it back into a branch (its condition reads memory), and on ReLU outputs,
// half zeros, that branch mispredicted so often that pooling took a third of a small conv net's
// step. Here four windows of a row are compared at once with SSE2 (x86-64's baseline, so no
// run-time dispatch), and only comparisons and copies touch the values: the results are those of
// the scalar definition, bit for bit.

#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>
#endif

void nnb_smax_pool(const float *input, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width, ptrdiff_t size,
                   ptrdiff_t stride, ptrdiff_t output_height, ptrdiff_t output_width, float *output,
                   int32_t *argmax) {
    for (ptrdiff_t p = 0; p < planes; p++) {
        const float *plane = input + p * height * width;
        for (ptrdiff_t oy = 0; oy < output_height; oy++) {
            float *largest = output + (p * output_height + oy) * output_width;
            int32_t *best = argmax + (p * output_height + oy) * output_width;
            ptrdiff_t top = oy * stride;
            for (ptrdiff_t ox = 0; ox < output_width; ox++) {
                largest[ox] = -__builtin_inff();
                best[ox] = (int32_t)(top * width + ox * stride);
            }
            // Each window's values in the definition's order, row by row: a later value wins only
            // if strictly larger, or NaN (PyTorch's CPU rule).
            for (ptrdiff_t y = top; y < top + size; y++) {
                for (ptrdiff_t x = 0; x < size; x++) {
                    const float *row = plane + y * width + x;
                    int32_t first = (int32_t)(y * width + x);
                    ptrdiff_t ox = 0;
#if defined(__x86_64__) || defined(__i386__)
                    for (; ox + 4 <= output_width; ox += 4) {
                        __m128 value = _mm_set_ps(row[(ox + 3) * stride], row[(ox + 2) * stride],
                                                  row[(ox + 1) * stride], row[ox * stride]);
                        __m128 current = _mm_loadu_ps(largest + ox);
                        __m128 wins = _mm_or_ps(_mm_cmpgt_ps(value, current), _mm_cmpunord_ps(value, value));
                        _mm_storeu_ps(largest + ox, _mm_or_ps(_mm_and_ps(wins, value), _mm_andnot_ps(wins, current)));
                        __m128i position = _mm_set_epi32(first + (int32_t)((ox + 3) * stride), first + (int32_t)((ox + 2) * stride),
                                                         first + (int32_t)((ox + 1) * stride), first + (int32_t)(ox * stride));
                        __m128i mask = _mm_castps_si128(wins), previous = _mm_loadu_si128((const __m128i *)(best + ox));
                        _mm_storeu_si128((__m128i *)(best + ox),
                                         _mm_or_si128(_mm_and_si128(mask, position), _mm_andnot_si128(mask, previous)));
                    }
#endif
                    for (; ox < output_width; ox++) {
                        float value = row[ox * stride];
                        if (value > largest[ox] || value != value) {
                            largest[ox] = value;
                            best[ox] = first + (int32_t)(ox * stride);
                        }
                    }
                }
            }
        }
    }
}
