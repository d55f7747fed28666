// Branch-free exp for float that the compiler can vectorize (std::exp cannot be without -ffast-math); relative error below 2e-7.
#pragma once
#include <cstdint>
#include <cmath>

namespace swirl {

inline float fastExp(float x) {
  // Clamp to the finite float range; callers that need exact zeros for masked entries handle -inf themselves.
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.0f ? 88.0f : x;
  // n = round(x / ln 2) by the 1.5·2²³ magic-constant trick, then f = x − n·ln 2 in two parts (Cody–Waite).
  const float shifted = x * 1.44269504088896341f + 12582912.0f;
  const float n = shifted - 12582912.0f;
  float f = x - n * 0.693145751953125f;
  f = f - n * 1.42860682030941723212e-6f;
  // Taylor series of e^f on |f| ≤ ln2/2, degree 7 (truncation ≈ 4e-9), Horner form.
  float p = 1.0f / 5040.0f;
  p = p * f + 1.0f / 720.0f;
  p = p * f + 1.0f / 120.0f;
  p = p * f + 1.0f / 24.0f;
  p = p * f + 1.0f / 6.0f;
  p = p * f + 0.5f;
  p = p * f + 1.0f;
  p = p * f + 1.0f;
  // 2ⁿ assembled directly in the exponent bits.
  const float scale = __builtin_bit_cast(float, ((int32_t)n + 127) << 23);
  return p * scale;
}

inline float fastSigmoid(float x) { return 1.0f / (1.0f + fastExp(-x)); }

}  // namespace swirl
