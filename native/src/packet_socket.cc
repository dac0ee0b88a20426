// AF_PACKET/SOCK_DGRAM sender for gratuitous ARP and unsolicited NA. The
// kernel builds the Ethernet header with the interface's own MAC as source
// (so a VMAC macvlan sends from the VMAC). Protocol 0: it receives nothing.
#include <napi.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include "bytes.h"
#include "errors.h"

namespace vk {

class PacketSocket : public Napi::ObjectWrap<PacketSocket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "PacketSocket", {
      InstanceMethod<&PacketSocket::Send>("send"),
      InstanceMethod<&PacketSocket::Close>("close"),
    });
    exports.Set("PacketSocket", ctor);
  }

  explicit PacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketSocket>(info) {
    fd_ = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) ThrowErrno(info.Env(), "socket", errno);
  }

  ~PacketSocket() override {
    if (fd_ >= 0) close(fd_);
  }

 private:
  // send(ifindex, ethertype, dstMac: Buffer(6), payload: Buffer) -> bytes sent
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ThrowErrno(env, "sendto", EBADF);
    const uint8_t *mac = nullptr, *payload = nullptr;
    size_t macLen = 0, payloadLen = 0;
    if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !GetBytes(info[2], &mac, &macLen) ||
        !GetBytes(info[3], &payload, &payloadLen))
      return ThrowType(env, "send(ifindex: number, ethertype: number, dstMac: Uint8Array, payload: Uint8Array)");
    if (macLen != 6) return ThrowType(env, "dstMac must be 6 bytes");
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = info[0].As<Napi::Number>().Int32Value();
    sll.sll_protocol = htons(static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value()));
    sll.sll_halen = 6;
    std::memcpy(sll.sll_addr, mac, 6);
    ssize_t n = sendto(fd_, payload, payloadLen, 0, reinterpret_cast<sockaddr*>(&sll), sizeof(sll));
    if (n < 0) return ThrowErrno(env, "sendto", errno);
    return Napi::Number::New(env, static_cast<double>(n));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return info.Env().Undefined();
  }

  int fd_ = -1;
};

void InitPacketSocket(Napi::Env env, Napi::Object exports) { PacketSocket::Init(env, exports); }

}  // namespace vk
