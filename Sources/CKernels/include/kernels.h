#ifndef KIT_KERNELS_H
#define KIT_KERNELS_H
#include <stddef.h>
#include "cpu.h"
#include "gemm.h"
#include "normalization.h"
#include "recurrent.h"

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

/* Geometry of one 2-D convolution over an image [channels, height, width] with output grid out_h × out_w. */
struct kit_conv_geometry {
    long channels, height, width, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w,
        out_h, out_w;
};
/* Unfolds channels [c0, c1) of one image into patch rows [C*KH*KW, out_h*out_w], ld floats apart (zeros outside
   the image). */
void kit_im2col(const float *image, float *cols, long ld, const struct kit_conv_geometry *g, long c0, long c1);
/* Folds patch rows of channels [c0, c1) back, adding into the image (the adjoint of kit_im2col). */
void kit_col2im(const float *cols, float *image, long ld, const struct kit_conv_geometry *g, long c0, long c1);

#endif
