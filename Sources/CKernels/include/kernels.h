#ifndef KIT_KERNELS_H
#define KIT_KERNELS_H
#include <stddef.h>

/* Elementwise loops that clang vectorizes and Swift does not (transcendentals, sqrt/div).
   Every kernel is elementwise, so splitting a range across threads never changes a result. */

void kit_exp(const float *x, float *y, size_t n);
void kit_sigmoid(const float *x, float *y, size_t n);
void kit_tanh(const float *x, float *y, size_t n);
void kit_softplus(const float *x, float *y, size_t n);
void kit_silu(const float *x, float *y, size_t n);
void kit_silu_backward(const float *x, const float *g, float *dx, size_t n);
void kit_relu(const float *x, float *y, size_t n);
/* dx = g where y > 0, else 0 (y is the ReLU output). */
void kit_relu_backward(const float *y, const float *g, float *dx, size_t n);

/* One Adam(W) step over a parameter slice. `decay` is decoupled weight decay (AdamW) already multiplied by lr;
   `l2` is L2 regularisation folded into the gradient (classic Adam). bc1, bc2: 1 - beta^t. */
void kit_adam(float *p, const float *g, float *m, float *v, size_t n,
              float lr, float beta1, float beta2, float eps, float bc1, float bc2, float decay, float l2);

#endif
