#ifndef KIT_NORMALIZATION_H
#define KIT_NORMALIZATION_H

/* One block of group normalisation: `channels` channels of `spatial` positions, contiguous (one group of one
   sample). Blocks are independent, so any split of blocks across threads gives the same numbers. gamma/beta point
   at the block's first channel or are NULL (1 and 0). With silu != 0 the output is SiLU of the affine result. */
void kit_group_norm_forward(const float *x, float *y, long channels, long spatial, const float *gamma,
                            const float *beta, float epsilon, int silu, float *mean, float *rstd);
/* The backward pass of one block given dL/dy in g: dx (skipped when NULL) and, per channel k, the sums over
   positions of the gradient before the affine map, dbeta[k] = Σ g', dgamma[k] = Σ g'·x̂ (g' = g, or g·SiLU'(y)). */
void kit_group_norm_backward(const float *x, const float *g, float *dx, long channels, long spatial,
                             const float *gamma, const float *beta, float mean, float rstd, int silu,
                             double *dbeta, double *dgamma);

#endif
