#ifndef KIT_RECURRENT_H
#define KIT_RECURRENT_H

/* A GRU layer over a whole sequence for batch rows [r0, r1), and its backward pass through time (layouts in
   kernels.c). Rows are independent, so any split of rows across threads gives the same numbers. */
void kit_gru_forward(const float *gates, const float *h0, const float *wt, long ldw, const float *bias,
                     float *out, float *act, float *gn, long r0, long r1, long steps, long hidden);
void kit_gru_backward(const float *dout, const float *act, const float *gn, const float *out, const float *h0,
                      const float *w, long ldw, float *dgates, float *drec, float *dh0, long r0, long r1,
                      long steps, long hidden);

#endif
