// Errors shaped like Node's own system errors: message "<syscall> <CODE>",
// with `code` ('EPERM'), `errno` (negative, as in Node) and `syscall`.
#pragma once
#include <napi.h>
#include <uv.h>
#include <string>

namespace vk {

inline Napi::Error ErrnoError(Napi::Env env, const char* syscall, int err, const std::string& detail = "") {
  const char* code = uv_err_name(-err);
  std::string msg = std::string(syscall) + " " + code;
  if (!detail.empty()) msg += " " + detail;
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

// Throws and returns undefined: the shape every method uses with C++ exceptions off.
inline Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err, const std::string& detail = "") {
  ErrnoError(env, syscall, err, detail).ThrowAsJavaScriptException();
  return env.Undefined();
}

inline Napi::Value ThrowType(Napi::Env env, const std::string& msg) {
  Napi::TypeError e = Napi::TypeError::New(env, msg);
  e.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace vk
