// One datagram to an AF_UNIX socket: sd_notify without libsystemd. A path
// starting with '@' is abstract: a leading NUL and an exact address length.
#include <napi.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include "bytes.h"
#include "errors.h"

namespace vk {

static Napi::Value SendUnixDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint8_t* data = nullptr;
  size_t dataLen = 0;
  if (info.Length() < 2 || !info[0].IsString() || !GetBytes(info[1], &data, &dataLen))
    return ThrowType(env, "sendUnixDatagram(path: string, data: Uint8Array)");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() > sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@') ||
      (path[0] == '/' && path.size() == sizeof(addr.sun_path)))
    return ThrowErrno(env, "sendto", EINVAL, path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  socklen_t len = offsetof(sockaddr_un, sun_path) + path.size();
  if (path[0] == '@') addr.sun_path[0] = '\0';
  else len += 1;  // count the terminating NUL of a filesystem path, as systemd does
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket", errno);
  ssize_t n = sendto(fd, data, dataLen, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  int err = errno;
  close(fd);
  if (n < 0) return ThrowErrno(env, "sendto", err, path);
  return Napi::Number::New(env, static_cast<double>(n));
}

void InitUnixDgram(Napi::Env env, Napi::Object exports) {
  exports.Set("sendUnixDatagram", Napi::Function::New(env, SendUnixDatagram, "sendUnixDatagram"));
}

}  // namespace vk
