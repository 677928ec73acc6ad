#ifndef NNBENCH_CKERNELS_H
#define NNBENCH_CKERNELS_H
/// C = A · B for row-major float matrices (placeholder until the packed kernel lands).
void nnb_sgemm_reference(int m, int n, int k, const float *a, const float *b, float *c);
#endif
