// Accepts any Uint8Array (Buffer included) as a byte range, without copying.
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>

namespace vk {

inline bool GetBytes(const Napi::Value& v, const uint8_t** data, size_t* len) {
  if (!v.IsTypedArray()) return false;
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_uint8_array) return false;
  Napi::Uint8Array u8 = ta.As<Napi::Uint8Array>();
  *data = u8.Data();
  *len = u8.ElementLength();
  return true;
}

}  // namespace vk
