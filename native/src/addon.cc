// vipkeeper's native addon: only what npm packages can't do (DESIGN.md,
// DEPENDENCIES.md §7). It moves bytes; every byte layout lives in TypeScript.
#include <napi.h>

namespace vk {
void InitRawSocket(Napi::Env env, Napi::Object exports);
void InitPacketSocket(Napi::Env env, Napi::Object exports);
void InitUnixDgram(Napi::Env env, Napi::Object exports);
void InitNss(Napi::Env env, Napi::Object exports);
}  // namespace vk

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, 3));
  vk::InitRawSocket(env, exports);
  vk::InitPacketSocket(env, exports);
  vk::InitUnixDgram(env, exports);
  vk::InitNss(env, exports);
  return exports;
}

NODE_API_MODULE(vipkeeper_native, Init)
