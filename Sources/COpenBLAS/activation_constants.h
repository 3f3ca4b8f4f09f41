// The constants of the sigmoid and tanh approximations shared by activation_scalar.h and activation_vector.h.
#pragma once

// exp(x) = 2^n · e^r with n = round(x · log2 e), r = x − n · ln 2 (ln 2 in two parts), e^r by Cephes's expf
// polynomial; x is clamped so that 2^n stays a normal float.
#define KL_EXP_LOW (-87.0f)
#define KL_EXP_HIGH 88.0f
#define KL_LOG2E 1.44269504088896341f
#define KL_LN2_HIGH 0.693359375f
#define KL_LN2_LOW (-2.12194440e-4f)
#define KL_EXP_P0 1.9875691500e-4f
#define KL_EXP_P1 1.3981999507e-3f
#define KL_EXP_P2 8.3334519073e-3f
#define KL_EXP_P3 4.1665795894e-2f
#define KL_EXP_P4 1.6666665459e-1f
#define KL_EXP_P5 5.0000001201e-1f

// tanh(x) = x · p(x²) / q(x²) on [−c, c], ±1 beyond (to float precision): Eigen's rational approximation, which
// TensorFlow's CPU kernels use; at most 3.4e-7 from the exact value.
#define KL_TANH_CLAMP 7.90531110763549805f
#define KL_TANH_A1 4.89352455891786e-03f
#define KL_TANH_A3 6.37261928875436e-04f
#define KL_TANH_A5 1.48572235717979e-05f
#define KL_TANH_A7 5.12229709037114e-08f
#define KL_TANH_A9 (-8.60467152213735e-11f)
#define KL_TANH_A11 2.00018790482477e-13f
#define KL_TANH_A13 (-2.76076847742355e-16f)
#define KL_TANH_B0 4.89352518554385e-03f
#define KL_TANH_B2 2.26843463243900e-03f
#define KL_TANH_B4 1.18534705686654e-04f
#define KL_TANH_B6 1.19825839466702e-06f
