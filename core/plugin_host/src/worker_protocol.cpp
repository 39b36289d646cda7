#include "roofline/plugin_host/worker_protocol.h"

#include "roofline/abi/plugin_abi_rules.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace roofline::worker {

namespace {

uint32_t load_u32(const unsigned char* p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void store_u32(std::vector<unsigned char>& out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

// FNV-1a: catches bytes that fit a frame's header but were never a frame.
uint32_t checksum(const unsigned char* data, std::size_t size)
{
    uint32_t h = 2166136261u;
    for (std::size_t i = 0; i < size; ++i) {
        h ^= data[i];
        h *= 16777619u;
    }
    return h;
}

} // namespace

bool known_type(uint16_t type)
{
    return (type >= uint16_t(MessageType::Open) && type <= uint16_t(MessageType::Quit))
        || (type >= uint16_t(MessageType::Hello) && type <= uint16_t(MessageType::Refused));
}

rl_case WireStruct<rl_case>::defaults()
{
    return abi::make_case(0, 0, {}, RL_CACHE_COLD);
}

rl_device_info WireStruct<rl_device_info>::defaults()
{
    rl_device_info info{};
    info.struct_size = sizeof info;
    return info;
}

rl_result WireStruct<rl_result>::defaults()
{
    return abi::empty_result();
}

PayloadWriter& PayloadWriter::u32(uint32_t v)
{
    store_u32(bytes_, v);
    return *this;
}

PayloadWriter& PayloadWriter::text(std::string_view s)
{
    u32(static_cast<uint32_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
}

PayloadWriter& PayloadWriter::raw_struct(uint32_t id, const void* data, std::size_t size)
{
    u32(id);
    u32(static_cast<uint32_t>(size));
    const auto* p = static_cast<const unsigned char*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
    return *this;
}

uint32_t PayloadReader::u32()
{
    if (bytes_.size() - pos_ < 4)
        throw ProtocolError("a message ends inside a number");
    const uint32_t v = load_u32(bytes_.data() + pos_);
    pos_ += 4;
    return v;
}

std::string PayloadReader::text()
{
    const uint32_t size = u32();
    if (bytes_.size() - pos_ < size)
        throw ProtocolError("a message ends inside a string of " + std::to_string(size) + " bytes");
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), size);
    pos_ += size;
    return s;
}

void PayloadReader::raw_struct(uint32_t id, void* out, std::size_t size)
{
    const uint32_t sent_id = u32();
    if (sent_id != id)
        throw ProtocolError("expected struct " + std::to_string(id) + ", got " + std::to_string(sent_id));
    const uint32_t sent_size = u32();
    if (sent_size < sizeof(uint32_t) || bytes_.size() - pos_ < sent_size)
        throw ProtocolError("a struct of " + std::to_string(sent_size) + " bytes does not fit in its message");
    // Only as far as both sides know the struct: a newer sender's appended fields are dropped, an older
    // sender's missing ones keep the defaults.
    std::memcpy(out, bytes_.data() + pos_, std::min<std::size_t>(sent_size, size));
    pos_ += sent_size;
}

void PayloadReader::expect_end() const
{
    if (pos_ != bytes_.size())
        throw ProtocolError(std::to_string(bytes_.size() - pos_) + " unexpected bytes at the end of a message");
}

std::vector<unsigned char> encode_frame(MessageType type, const std::vector<unsigned char>& payload)
{
    std::vector<unsigned char> out;
    out.reserve(kHeaderBytes + payload.size());
    store_u32(out, kMagic);
    store_u32(out, uint32_t(kProtocolVersion) | uint32_t(type) << 16);
    store_u32(out, static_cast<uint32_t>(payload.size()));
    store_u32(out, checksum(payload.data(), payload.size()));
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

void FrameDecoder::feed(const void* data, std::size_t size)
{
    const auto* p = static_cast<const unsigned char*>(data);
    buffer_.insert(buffer_.end(), p, p + size);
}

std::optional<Frame> FrameDecoder::next()
{
    // Each header field is checked as soon as its bytes are in, so garbage is refused at once, not after a
    // wait for a payload that will never come.
    if (buffer_.size() >= 4 && load_u32(buffer_.data()) != kMagic)
        throw ProtocolError("bytes that are not a frame (no frame marker)");
    if (buffer_.size() < kHeaderBytes)
        return std::nullopt;
    const uint32_t version_type = load_u32(buffer_.data() + 4);
    const uint16_t version = static_cast<uint16_t>(version_type & 0xFFFF);
    const uint16_t type = static_cast<uint16_t>(version_type >> 16);
    if (version != kProtocolVersion)
        throw ProtocolError("protocol version " + std::to_string(version) + ", expected " + std::to_string(kProtocolVersion));
    if (!known_type(type))
        throw ProtocolError("unknown message type " + std::to_string(type));
    const uint32_t size = load_u32(buffer_.data() + 8);
    if (size > kMaxPayloadBytes)
        throw ProtocolError("a message of " + std::to_string(size) + " bytes (at most " + std::to_string(kMaxPayloadBytes) + ")");
    if (buffer_.size() < kHeaderBytes + size)
        return std::nullopt;
    Frame frame;
    frame.type = static_cast<MessageType>(type);
    frame.payload.assign(buffer_.begin() + kHeaderBytes, buffer_.begin() + kHeaderBytes + size);
    if (checksum(frame.payload.data(), frame.payload.size()) != load_u32(buffer_.data() + 12))
        throw ProtocolError("a message whose checksum does not match");
    buffer_.erase(buffer_.begin(), buffer_.begin() + kHeaderBytes + size);
    return frame;
}

bool send_all(int fd, const std::vector<unsigned char>& bytes)
{
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace roofline::worker
