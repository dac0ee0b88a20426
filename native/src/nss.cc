// Users and groups through NSS (glibc's getpwnam_r, getgrnam_r,
// getgrouplist), so LDAP or sssd accounts resolve exactly as they do for
// login and for keepalived; nothing reads /etc/passwd itself. A name that
// does not exist is null; a lookup that fails (an NSS source down) throws an
// errno-shaped error, so a caller can tell "no such user" from "cannot say".
#include <napi.h>
#include <grp.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>
#include <cerrno>
#include <string>
#include <vector>
#include "errors.h"

namespace vk {

// glibc asks for a bigger buffer with ERANGE; the bound stops a broken NSS
// module from making us allocate without end.
static const size_t kMaxBuf = 1 << 20;

static size_t StartBuf(int name) {
  long n = sysconf(name);
  return n > 0 ? static_cast<size_t>(n) : 1024;
}

// getpwnam(name) → { name, uid, gid } | null
static Napi::Value GetPwNam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "getpwnam(name: string)");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::vector<char> buf(StartBuf(_SC_GETPW_R_SIZE_MAX));
  passwd pwd{};
  passwd* found = nullptr;
  int rc;
  while ((rc = getpwnam_r(name.c_str(), &pwd, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < kMaxBuf)
    buf.resize(buf.size() * 2);
  // glibc returns 0 with no entry for an unknown name; some modules say ENOENT/ESRCH/EBADF/EPERM for the same.
  if (rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM) return env.Null();
  if (rc != 0) return ThrowErrno(env, "getpwnam_r", rc, name);
  if (found == nullptr) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("name", Napi::String::New(env, pwd.pw_name));
  out.Set("uid", Napi::Number::New(env, static_cast<double>(pwd.pw_uid)));
  out.Set("gid", Napi::Number::New(env, static_cast<double>(pwd.pw_gid)));
  return out;
}

// getgrnam(name) → gid | null
static Napi::Value GetGrNam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "getgrnam(name: string)");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::vector<char> buf(StartBuf(_SC_GETGR_R_SIZE_MAX));
  group grp{};
  group* found = nullptr;
  int rc;
  while ((rc = getgrnam_r(name.c_str(), &grp, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < kMaxBuf)
    buf.resize(buf.size() * 2);
  if (rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM) return env.Null();
  if (rc != 0) return ThrowErrno(env, "getgrnam_r", rc, name);
  if (found == nullptr) return env.Null();
  return Napi::Number::New(env, static_cast<double>(grp.gr_gid));
}

// getgrouplist(user, gid) → gid[] (the user's groups, `gid` included, as initgroups(3) would set them)
static Napi::Value GetGroupList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) return ThrowType(env, "getgrouplist(user: string, gid: number)");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  gid_t base = static_cast<gid_t>(info[1].As<Napi::Number>().Uint32Value());
  int n = 32;
  std::vector<gid_t> groups(n);
  // -1 means "too small" and sets n to the size needed; bounded by NGROUPS_MAX.
  for (int tries = 0; getgrouplist(name.c_str(), base, groups.data(), &n) == -1; tries++) {
    long max = sysconf(_SC_NGROUPS_MAX);
    if (tries > 4 || n <= 0 || (max > 0 && n > max)) return ThrowErrno(env, "getgrouplist", ERANGE, name);
    groups.resize(n);
  }
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) out.Set(i, Napi::Number::New(env, static_cast<double>(groups[i])));
  return out;
}

void InitNss(Napi::Env env, Napi::Object exports) {
  exports.Set("getpwnam", Napi::Function::New(env, GetPwNam, "getpwnam"));
  exports.Set("getgrnam", Napi::Function::New(env, GetGrNam, "getgrnam"));
  exports.Set("getgrouplist", Napi::Function::New(env, GetGroupList, "getgrouplist"));
}

}  // namespace vk
