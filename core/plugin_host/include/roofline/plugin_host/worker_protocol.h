#pragma once
// The protocol between the host (app, CLI) and roofline-worker, the process that runs a plugin: framed messages
// on one Unix socket pair (fd 3 in the worker), never stdout or stderr, which CUDA, cuDNN and NCCL log to.
// docs/worker_protocol.md describes it in full.
//
// The ABI structs (rl_case, rl_device_info, rl_result) travel as their own bytes with their struct_size: the
// struct's layout is the field table, and the ABI's rule that a version step only appends fields is the
// protocol's rule too. A receiver copies what fits in its own struct and keeps its defaults for the rest, so a
// field another issue appends to plugin_abi.h costs the protocol nothing.

#include "roofline/abi/plugin_abi.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roofline::worker {

inline constexpr uint32_t kMagic = 0x4B574C52;   // "RLWK" in the first four bytes of every frame
inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr std::size_t kHeaderBytes = 16;  // magic, version, type, payload size, checksum
inline constexpr std::size_t kMaxPayloadBytes = 1 << 16;
inline constexpr int kChannelFd = 3;             // the worker's end of the socket pair

enum class MessageType : uint16_t {
    // host -> worker
    Open = 1,      // string plugin file, i32 device index
    Supports = 2,  // struct rl_case
    Run = 3,       // struct rl_case
    Stop = 4,      // (empty) stop the case in progress after its current sample
    Quit = 5,      // (empty)
    // worker -> host
    Hello = 100,   // u32 ABI version, u32 protocol version, i32 pid: sent once, first
    Opened = 101,  // i32 error kind (-1: opened), string message, string plugin name, string plugin version,
                   // string plugin file, struct rl_device_info
    Support = 102, // i32 rl_status, string reason
    Result = 103,  // struct rl_result
    Refused = 104  // string: the worker could not read a request (garbage, an unexpected message) and exits
};
bool known_type(uint16_t type);

// Bytes that are not this protocol: a bad header, checksum, size or payload.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The struct each ABI struct is on the wire. `id` names it; `defaults` fills what a shorter sender leaves out.
template <class T> struct WireStruct;
template <> struct WireStruct<rl_case> {
    static constexpr uint32_t id = 1;
    static rl_case defaults();
};
template <> struct WireStruct<rl_device_info> {
    static constexpr uint32_t id = 2;
    static rl_device_info defaults();
};
template <> struct WireStruct<rl_result> {
    static constexpr uint32_t id = 3;
    static rl_result defaults();
};

// A payload being written: little-endian integers, strings as u32 length + bytes, structs as u32 id, u32 size,
// bytes.
class PayloadWriter {
public:
    PayloadWriter& u32(uint32_t v);
    PayloadWriter& i32(int32_t v) { return u32(static_cast<uint32_t>(v)); }
    PayloadWriter& text(std::string_view s);
    template <class T> PayloadWriter& wire_struct(const T& s)
    {
        return raw_struct(WireStruct<T>::id, &s, sizeof(T));
    }
    const std::vector<unsigned char>& bytes() const { return bytes_; }

private:
    PayloadWriter& raw_struct(uint32_t id, const void* data, std::size_t size);
    std::vector<unsigned char> bytes_;
};

// A payload being read; every read past the end or of the wrong kind throws ProtocolError.
class PayloadReader {
public:
    explicit PayloadReader(const std::vector<unsigned char>& bytes) : bytes_(bytes) {}
    uint32_t u32();
    int32_t i32() { return static_cast<int32_t>(u32()); }
    std::string text();
    template <class T> T wire_struct()
    {
        T out = WireStruct<T>::defaults();
        raw_struct(WireStruct<T>::id, &out, sizeof(T));
        out.struct_size = sizeof(T);
        return out;
    }
    void expect_end() const;

private:
    void raw_struct(uint32_t id, void* out, std::size_t size);
    const std::vector<unsigned char>& bytes_;
    std::size_t pos_ = 0;
};

struct Frame {
    MessageType type{};
    std::vector<unsigned char> payload;
};

// The bytes of one frame.
std::vector<unsigned char> encode_frame(MessageType type, const std::vector<unsigned char>& payload = {});

// Cuts frames out of a byte stream as it arrives. Throws ProtocolError at the first byte that cannot begin or
// continue a frame: the stream cannot be trusted after it.
class FrameDecoder {
public:
    void feed(const void* data, std::size_t size);
    std::optional<Frame> next();
    bool empty() const { return buffer_.empty(); }

private:
    std::vector<unsigned char> buffer_;
};

// Writes all of `bytes` to a socket (no SIGPIPE when the other end is gone). False on failure, errno set.
bool send_all(int fd, const std::vector<unsigned char>& bytes);

} // namespace roofline::worker
