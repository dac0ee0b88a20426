// The VRRP raw socket (IPPROTO 112), IPv4 or IPv6, non-blocking on libuv's
// poll. A poll wake-up only tells JS the socket is readable; JS then reads a
// batch with drain(), so it can hold the core's timers over the whole batch
// (read first, then decide). Each received packet reaches JS with what
// recvmsg's ancillary data says about it: arrival ifindex, destination and
// (IPv6) hop limit. IPv4
// packets keep their IP header, from which TypeScript reads the TTL.
// Sends take the source address, ifindex and TTL per packet (IP_PKTINFO /
// IPV6_PKTINFO, IP_TTL / IPV6_HOPLIMIT cmsgs), so one socket per interface
// can serve multicast and unicast instances without bind(), which on IPv4
// would also filter what the socket receives by destination.
#include <napi.h>
#include <uv.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include "bytes.h"
#include "errors.h"

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

namespace vk {

static constexpr int kVrrpProto = 112;
static constexpr int kAhProto = 51;  // VRRPv2 with IPsec AH (IPv4 only)
static constexpr size_t kRecvBufferBytes = 9216;  // > any VRRP packet with 255 IPv6 addresses
static constexpr int kMaxPacketsPerDrain = 1024;  // bound a drain (a socket buffer holds a few hundred adverts)

union SockAddr {
  sockaddr sa;
  sockaddr_in v4;
  sockaddr_in6 v6;
};

class RawSocket : public Napi::ObjectWrap<RawSocket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "RawSocket", {
      InstanceMethod<&RawSocket::BindToDevice>("bindToDevice"),
      InstanceMethod<&RawSocket::Bind>("bind"),
      InstanceMethod<&RawSocket::JoinGroup>("joinGroup"),
      InstanceMethod<&RawSocket::LeaveGroup>("leaveGroup"),
      InstanceMethod<&RawSocket::SetMulticastInterface>("setMulticastInterface"),
      InstanceMethod<&RawSocket::SetMulticastTtl>("setMulticastTtl"),
      InstanceMethod<&RawSocket::SetUnicastTtl>("setUnicastTtl"),
      InstanceMethod<&RawSocket::SetMulticastLoop>("setMulticastLoop"),
      InstanceMethod<&RawSocket::SetChecksumOffset>("setChecksumOffset"),
      InstanceMethod<&RawSocket::Start>("start"),
      InstanceMethod<&RawSocket::Drain>("drain"),
      InstanceMethod<&RawSocket::Send>("send"),
      InstanceMethod<&RawSocket::Close>("close"),
    });
    exports.Set("RawSocket", ctor);
  }

  // new RawSocket(family: 4 | 6, onPacket(err, payload, src, scopeId, dst, ifindex, hopLimit), protocol = 112)
  // protocol 51 (AH, IPv4 only) sends with IP_HDRINCL: the AH ICV covers the IP
  // header, so TypeScript builds it (id, TOS, TTL) and the kernel keeps it.
  explicit RawSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RawSocket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsFunction()) {
      ThrowType(env, "new RawSocket(family: 4 | 6, onPacket: Function)");
      return;
    }
    int fam = info[0].As<Napi::Number>().Int32Value();
    if (fam != 4 && fam != 6) {
      ThrowType(env, "family must be 4 or 6");
      return;
    }
    v6_ = fam == 6;
    int proto = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : kVrrpProto;
    if (proto != kVrrpProto && (proto != kAhProto || v6_)) {
      ThrowType(env, "protocol must be 112, or 51 with family 4");
      return;
    }
    onPacket_ = Napi::Persistent(info[1].As<Napi::Function>());
    asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "vipkeeper:RawSocket");
    fd_ = socket(v6_ ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (fd_ < 0) {
      ThrowErrno(env, "socket", errno);
      return;
    }
    int on = 1, off = 0;
    bool ok = v6_ ? SetOpt(IPPROTO_IPV6, IPV6_RECVPKTINFO, on) && SetOpt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, on)
                  : SetOpt(IPPROTO_IP, IP_PKTINFO, on) && SetOpt(IPPROTO_IP, IP_MULTICAST_ALL, off);
    // Only groups joined on this socket, not every group the host joined (IPv6: Linux ≥ 4.20).
    if (ok && v6_ && !SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_ALL, off) && errno != ENOPROTOOPT) ok = false;
    if (ok && proto == kAhProto) ok = SetOpt(IPPROTO_IP, IP_HDRINCL, on);
    if (!ok) {
      int err = errno;
      CloseFd();
      ThrowErrno(env, "setsockopt", err);
    }
  }

  ~RawSocket() override { CloseFd(); }

 private:
  bool SetOpt(int level, int name, int value) { return setsockopt(fd_, level, name, &value, sizeof(value)) == 0; }

  Napi::Value SetIntOpt(const Napi::CallbackInfo& info, int level, int name, bool asByte = false) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "setsockopt", EBADF);
    if (info.Length() < 1 || !(info[0].IsNumber() || info[0].IsBoolean())) return ThrowType(env, "expected a number");
    int value = info[0].IsBoolean() ? (info[0].As<Napi::Boolean>().Value() ? 1 : 0) : info[0].As<Napi::Number>().Int32Value();
    unsigned char byte = static_cast<unsigned char>(value);
    int rc = asByte ? setsockopt(fd_, level, name, &byte, sizeof(byte)) : setsockopt(fd_, level, name, &value, sizeof(value));
    if (rc < 0) return ThrowErrno(env, "setsockopt", errno);
    return env.Undefined();
  }

  // Parses an address of this socket's family; throws EINVAL on bad text.
  bool ParseAddr(Napi::Env env, const Napi::Value& v, uint32_t scopeId, SockAddr* out) {
    std::memset(out, 0, sizeof(*out));
    if (!v.IsString()) {
      ThrowType(env, "address must be a string");
      return false;
    }
    std::string text = v.As<Napi::String>().Utf8Value();
    int ok = v6_ ? inet_pton(AF_INET6, text.c_str(), &out->v6.sin6_addr) : inet_pton(AF_INET, text.c_str(), &out->v4.sin_addr);
    if (ok != 1) {
      ThrowErrno(env, "inet_pton", EINVAL, text);
      return false;
    }
    if (v6_) {
      out->v6.sin6_family = AF_INET6;
      out->v6.sin6_scope_id = scopeId;
    } else {
      out->v4.sin_family = AF_INET;
    }
    return true;
  }

  socklen_t AddrLen() const { return v6_ ? sizeof(sockaddr_in6) : sizeof(sockaddr_in); }

  Napi::Value BindToDevice(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "setsockopt", EBADF);
    if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "bindToDevice(ifname: string)");
    std::string name = info[0].As<Napi::String>().Utf8Value();
    if (setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, name.c_str(), name.size()) < 0)
      return ThrowErrno(env, "setsockopt", errno, "SO_BINDTODEVICE " + name);
    return env.Undefined();
  }

  // bind(address, scopeId = 0). Note: on IPv4 this also filters receive by destination.
  Napi::Value Bind(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "bind", EBADF);
    uint32_t scope = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
    SockAddr a;
    if (!ParseAddr(env, info[0], scope, &a)) return env.Undefined();
    if (bind(fd_, &a.sa, AddrLen()) < 0) return ThrowErrno(env, "bind", errno, info[0].As<Napi::String>().Utf8Value());
    return env.Undefined();
  }

  Napi::Value Membership(const Napi::CallbackInfo& info, bool join) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "setsockopt", EBADF);
    if (info.Length() < 2 || !info[1].IsNumber()) return ThrowType(env, "joinGroup(group: string, ifindex: number)");
    int ifindex = info[1].As<Napi::Number>().Int32Value();
    SockAddr g;
    if (!ParseAddr(env, info[0], 0, &g)) return env.Undefined();
    int rc;
    if (v6_) {
      ipv6_mreq m{};
      m.ipv6mr_multiaddr = g.v6.sin6_addr;
      m.ipv6mr_interface = static_cast<unsigned>(ifindex);
      rc = setsockopt(fd_, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &m, sizeof(m));
    } else {
      ip_mreqn m{};
      m.imr_multiaddr = g.v4.sin_addr;
      m.imr_ifindex = ifindex;
      rc = setsockopt(fd_, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof(m));
    }
    if (rc < 0) return ThrowErrno(env, "setsockopt", errno, join ? "ADD_MEMBERSHIP" : "DROP_MEMBERSHIP");
    return env.Undefined();
  }
  Napi::Value JoinGroup(const Napi::CallbackInfo& info) { return Membership(info, true); }
  Napi::Value LeaveGroup(const Napi::CallbackInfo& info) { return Membership(info, false); }

  Napi::Value SetMulticastInterface(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "setsockopt", EBADF);
    if (info.Length() < 1 || !info[0].IsNumber()) return ThrowType(env, "setMulticastInterface(ifindex: number)");
    int ifindex = info[0].As<Napi::Number>().Int32Value();
    if (v6_) return SetIntOpt(info, IPPROTO_IPV6, IPV6_MULTICAST_IF);
    ip_mreqn m{};
    m.imr_ifindex = ifindex;
    if (setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) < 0) return ThrowErrno(env, "setsockopt", errno, "IP_MULTICAST_IF");
    return env.Undefined();
  }

  Napi::Value SetMulticastTtl(const Napi::CallbackInfo& info) {
    return v6_ ? SetIntOpt(info, IPPROTO_IPV6, IPV6_MULTICAST_HOPS) : SetIntOpt(info, IPPROTO_IP, IP_MULTICAST_TTL);
  }
  Napi::Value SetUnicastTtl(const Napi::CallbackInfo& info) {
    return v6_ ? SetIntOpt(info, IPPROTO_IPV6, IPV6_UNICAST_HOPS) : SetIntOpt(info, IPPROTO_IP, IP_TTL);
  }
  Napi::Value SetMulticastLoop(const Napi::CallbackInfo& info) {
    return v6_ ? SetIntOpt(info, IPPROTO_IPV6, IPV6_MULTICAST_LOOP) : SetIntOpt(info, IPPROTO_IP, IP_MULTICAST_LOOP, true);
  }
  // IPv6 only; -1 (the default for protocol 112) leaves the checksum to us.
  Napi::Value SetChecksumOffset(const Napi::CallbackInfo& info) {
    if (!v6_) return ThrowErrno(info.Env(), "setsockopt", ENOPROTOOPT, "IPV6_CHECKSUM");
    return SetIntOpt(info, IPPROTO_IPV6, IPV6_CHECKSUM);
  }

  // send(dst, payload, src = '', ifindex = 0, ttl = -1) -> bytes sent
  Napi::Value Send(const Napi::CallbackInfo& info);
  // start(onReadable()): polls; each wake-up calls onReadable, which reads with drain().
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseFd();
    return info.Env().Undefined();
  }

  // drain(max = 1024) -> Array<[payload, src, scopeId, dst, ifindex, hopLimit]>: the datagrams
  // queued now (at most max), read synchronously; errors go to onPacket.
  Napi::Value Drain(const Napi::CallbackInfo& info);
  static void OnPoll(uv_poll_t* handle, int status, int events);
  // Reads one datagram; returns its onPacket arguments (after the null error), or an empty
  // vector when there is nothing more to read now. Errors are delivered to onPacket.
  std::vector<napi_value> ReadOne(Napi::Env env, bool* more);
  void Deliver(Napi::Env env, std::initializer_list<napi_value> args);

  void CloseFd() {
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      poll_ = nullptr;
      Unref();  // no longer kept alive by the loop
    }
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  bool v6_ = false;
  int fd_ = -1;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference onPacket_;
  Napi::FunctionReference onReadable_;
  std::unique_ptr<Napi::AsyncContext> asyncContext_;
};

Napi::Value RawSocket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) return ThrowErrno(env, "sendmsg", EBADF);
  const uint8_t* payload = nullptr;
  size_t payloadLen = 0;
  if (info.Length() < 2 || !GetBytes(info[1], &payload, &payloadLen))
    return ThrowType(env, "send(dst: string, payload: Uint8Array, src?, ifindex?, ttl?)");
  int ifindex = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : 0;
  int ttl = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : -1;
  SockAddr dst, src;
  if (!ParseAddr(env, info[0], static_cast<uint32_t>(ifindex), &dst)) return env.Undefined();
  bool haveSrc = info.Length() > 2 && info[2].IsString() && info[2].As<Napi::String>().Utf8Value() != "";
  if (haveSrc && !ParseAddr(env, info[2], 0, &src)) return env.Undefined();
  iovec iov{const_cast<uint8_t*>(payload), payloadLen};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_name = &dst;
  msg.msg_namelen = AddrLen();
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = 0;
  cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
  if (haveSrc || ifindex > 0) {
    if (v6_) {
      in6_pktinfo pi{};
      if (haveSrc) pi.ipi6_addr = src.v6.sin6_addr;
      pi.ipi6_ifindex = static_cast<unsigned>(ifindex);
      *c = cmsghdr{CMSG_LEN(sizeof(pi)), IPPROTO_IPV6, IPV6_PKTINFO};
      std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    } else {
      in_pktinfo pi{};
      if (haveSrc) pi.ipi_spec_dst = src.v4.sin_addr;
      pi.ipi_ifindex = ifindex;
      *c = cmsghdr{CMSG_LEN(sizeof(pi)), IPPROTO_IP, IP_PKTINFO};
      std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    }
    msg.msg_controllen += CMSG_SPACE(v6_ ? sizeof(in6_pktinfo) : sizeof(in_pktinfo));
    c = reinterpret_cast<cmsghdr*>(control + msg.msg_controllen);
  }
  if (ttl >= 0) {
    *c = cmsghdr{CMSG_LEN(sizeof(int)), v6_ ? IPPROTO_IPV6 : IPPROTO_IP, v6_ ? IPV6_HOPLIMIT : IP_TTL};
    std::memcpy(CMSG_DATA(c), &ttl, sizeof(int));
    msg.msg_controllen += CMSG_SPACE(sizeof(int));
  }
  if (msg.msg_controllen == 0) msg.msg_control = nullptr;
  ssize_t n = sendmsg(fd_, &msg, 0);
  if (n < 0) return ThrowErrno(env, "sendmsg", errno, info[0].As<Napi::String>().Utf8Value());
  return Napi::Number::New(env, static_cast<double>(n));
}

Napi::Value RawSocket::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) return ThrowErrno(env, "uv_poll_start", EBADF);
  if (poll_ != nullptr) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsFunction()) return ThrowType(env, "start(onReadable: Function)");
  onReadable_ = Napi::Persistent(info[0].As<Napi::Function>());
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return ThrowErrno(env, "uv_poll_init", EINVAL);
  poll_ = new uv_poll_t;
  int rc = uv_poll_init_socket(loop, poll_, fd_);
  if (rc < 0) {
    delete poll_;
    poll_ = nullptr;
    return ThrowErrno(env, "uv_poll_init", -rc);
  }
  poll_->data = this;
  rc = uv_poll_start(poll_, UV_READABLE, OnPoll);
  if (rc < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
    return ThrowErrno(env, "uv_poll_start", -rc);
  }
  Ref();  // an open, polled socket must outlive its JS wrapper's reachability
  return env.Undefined();
}

void RawSocket::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  RawSocket* self = static_cast<RawSocket*>(handle->data);
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (status < 0) {
    // libuv does not stop a failing poll by itself; stop it so it cannot spin. The socket stays
    // open (and referenced) until close(), which the 'receiveError' handler is expected to call.
    uv_poll_stop(handle);
    self->Deliver(env, {ErrnoError(env, "uv_poll", -status).Value()});
    return;
  }
  // JS reads the batch (drain) with the core's timers held, then lets them fire.
  self->onReadable_.MakeCallback(self->Value(), {}, *self->asyncContext_);
  if (env.IsExceptionPending()) napi_fatal_exception(env, env.GetAndClearPendingException().Value());
}

void RawSocket::Deliver(Napi::Env env, std::initializer_list<napi_value> args) {
  onPacket_.MakeCallback(Value(), args, *asyncContext_);
  if (env.IsExceptionPending()) {
    // A throwing handler is a programmer error: surface it as uncaughtException.
    Napi::Error e = env.GetAndClearPendingException();
    napi_fatal_exception(env, e.Value());
  }
}

Napi::Value RawSocket::Drain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  int max = kMaxPacketsPerDrain;
  if (info.Length() > 0 && info[0].IsNumber()) max = std::min(max, std::max(1, info[0].As<Napi::Number>().Int32Value()));
  for (int i = 0; i < max && fd_ >= 0; i++) {
    bool more = false;
    std::vector<napi_value> args = ReadOne(env, &more);
    if (!args.empty()) {
      Napi::Array one = Napi::Array::New(env, args.size());
      for (uint32_t k = 0; k < args.size(); k++) one.Set(k, args[k]);
      out.Set(n++, one);
    }
    if (!more) break;
  }
  return out;
}

std::vector<napi_value> RawSocket::ReadOne(Napi::Env env, bool* more) {
  *more = false;
  uint8_t buf[kRecvBufferBytes];
  SockAddr from;
  alignas(cmsghdr) char control[256];
  iovec iov{buf, sizeof(buf)};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) Deliver(env, {ErrnoError(env, "recvmsg", errno).Value()});
    return {};
  }
  *more = true;
  if (msg.msg_flags & MSG_TRUNC) {
    Deliver(env, {ErrnoError(env, "recvmsg", EMSGSIZE).Value()});
    return {};
  }
  char srcText[INET6_ADDRSTRLEN] = "", dstText[INET6_ADDRSTRLEN] = "";
  int ifindex = 0, hopLimit = -1;
  uint32_t scopeId = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = pi.ipi_ifindex;
      inet_ntop(AF_INET, &pi.ipi_addr, dstText, sizeof(dstText));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = static_cast<int>(pi.ipi6_ifindex);
      inet_ntop(AF_INET6, &pi.ipi6_addr, dstText, sizeof(dstText));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
      std::memcpy(&hopLimit, CMSG_DATA(c), sizeof(int));
    }
  }
  if (v6_) {
    inet_ntop(AF_INET6, &from.v6.sin6_addr, srcText, sizeof(srcText));
    scopeId = from.v6.sin6_scope_id;
  } else {
    inet_ntop(AF_INET, &from.v4.sin_addr, srcText, sizeof(srcText));
  }
  return {Napi::Buffer<uint8_t>::Copy(env, buf, static_cast<size_t>(n)), Napi::String::New(env, srcText),
          Napi::Number::New(env, scopeId), Napi::String::New(env, dstText), Napi::Number::New(env, ifindex),
          Napi::Number::New(env, hopLimit)};
}

void InitRawSocket(Napi::Env env, Napi::Object exports) { RawSocket::Init(env, exports); }

}  // namespace vk
