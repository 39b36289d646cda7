// The GGUF header: magic, version, the metadata key-value pairs and the tensor table, read little-endian. Every
// count is checked against the bytes left before anything is sized from it; the data section is never read.
#include "roofline/workloads/gguf.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/ggml_types.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <type_traits>

namespace roofline {

namespace {

constexpr uint64_t kMaxKeyBytes = 64 * 1024;     // a key or a tensor name longer than this is not a real header
constexpr uint64_t kMaxKeptStringBytes = 64 * 1024; // longer string values (chat templates) are skipped, not kept
constexpr uint32_t kMaxDims = 4;                 // GGML_MAX_DIMS

// Bytes from somewhere: a buffer, or a file read through a window so a large header costs few reads.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    virtual void read(uint64_t offset, std::byte* out, std::size_t n) = 0; // the caller has checked the range
};

class BufferSource final : public ByteSource {
public:
    explicit BufferSource(std::span<const std::byte> bytes) : bytes_(bytes) {}
    uint64_t size() const override { return bytes_.size(); }
    void read(uint64_t offset, std::byte* out, std::size_t n) override
    {
        std::memcpy(out, bytes_.data() + offset, n);
    }

private:
    std::span<const std::byte> bytes_;
};

class FileSource final : public ByteSource {
public:
    FileSource(const std::filesystem::path& path, uint64_t size) : in_(path, std::ios::binary), size_(size)
    {
        if (!in_)
            throw InputError(InputLocation{path.string(), {}, {}, {}, {}}, "cannot open the file");
    }
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, std::byte* out, std::size_t n) override
    {
        if (offset < start_ || offset + n > start_ + window_.size()) {
            constexpr uint64_t kWindow = 1 << 20;
            const uint64_t length = std::min<uint64_t>(std::max<uint64_t>(n, kWindow), size_ - offset);
            window_.resize(length);
            in_.clear();
            in_.seekg(static_cast<std::streamoff>(offset));
            in_.read(reinterpret_cast<char*>(window_.data()), static_cast<std::streamsize>(length));
            if (static_cast<uint64_t>(in_.gcount()) != length)
                throw InputError("cannot read " + std::to_string(length) + " bytes at offset " + std::to_string(offset));
            start_ = offset;
        }
        std::memcpy(out, window_.data() + (offset - start_), n);
    }

private:
    std::ifstream in_;
    uint64_t size_;
    uint64_t start_ = 0;
    std::vector<std::byte> window_;
};

class Cursor {
public:
    Cursor(ByteSource& source, std::string name) : source_(source), name_(std::move(name)) {}

    uint64_t position() const { return pos_; }
    uint64_t left() const { return source_.size() - pos_; }

    [[noreturn]] void fail(uint64_t offset, const std::string& field, const std::string& problem) const
    {
        throw InputError(InputLocation{name_, {}, {}, {}, field}, "at byte " + std::to_string(offset) + ": " + problem);
    }

    void need(uint64_t n, const std::string& field) const
    {
        if (n > left())
            fail(pos_, field, "needs " + std::to_string(n) + " bytes, but the file ends after " + std::to_string(left())
                                  + " more (truncated)");
    }

    template <typename T>
    T read(const std::string& field)
    {
        static_assert(std::is_trivially_copyable_v<T> && (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8));
        need(sizeof(T), field);
        std::byte raw[sizeof(T)];
        source_.read(pos_, raw, sizeof(T));
        pos_ += sizeof(T);
        // Little-endian, whatever the host is.
        uint64_t bits = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            bits |= static_cast<uint64_t>(std::to_integer<uint8_t>(raw[i])) << (8 * i);
        T value;
        if constexpr (sizeof(T) == 1) {
            const auto narrow = static_cast<uint8_t>(bits);
            std::memcpy(&value, &narrow, 1);
        } else if constexpr (sizeof(T) == 2) {
            const auto narrow = static_cast<uint16_t>(bits);
            std::memcpy(&value, &narrow, 2);
        } else if constexpr (sizeof(T) == 4) {
            const auto narrow = static_cast<uint32_t>(bits);
            std::memcpy(&value, &narrow, 4);
        } else {
            std::memcpy(&value, &bits, 8);
        }
        return value;
    }

    void skip(uint64_t n, const std::string& field)
    {
        need(n, field);
        pos_ += n;
    }

    // A GGUF string: uint64 length, then the bytes (no terminator). Kept when at most `keep` bytes, else skipped.
    std::optional<std::string> string(const std::string& field, uint64_t keep)
    {
        const uint64_t start = pos_;
        const auto length = read<uint64_t>(field + " (length)");
        if (length > left())
            fail(start, field, "a string of " + std::to_string(length) + " bytes, but only " + std::to_string(left())
                                   + " bytes follow (truncated or not a GGUF string)");
        if (length > keep) {
            pos_ += length;
            return std::nullopt;
        }
        std::string text(static_cast<std::size_t>(length), '\0');
        source_.read(pos_, reinterpret_cast<std::byte*>(text.data()), text.size());
        pos_ += length;
        return text;
    }

    std::string name(const std::string& field, const char* what)
    {
        const uint64_t start = pos_;
        auto text = string(field, kMaxKeyBytes);
        if (!text)
            fail(start, field, std::string(what) + " longer than " + std::to_string(kMaxKeyBytes) + " bytes");
        if (text->empty())
            fail(start, field, std::string("an empty ") + what);
        return *text;
    }

private:
    ByteSource& source_;
    std::string name_;
    uint64_t pos_ = 0;
};

// [bytes] one element of a fixed-size type; 0 for strings and arrays.
uint64_t fixed_size(GgufValueType type)
{
    switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::Bool: return 1;
    case GgufValueType::UInt16:
    case GgufValueType::Int16: return 2;
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::Float32: return 4;
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
    case GgufValueType::Float64: return 8;
    default: return 0;
    }
}

GgufValueType value_type(Cursor& in, const std::string& field)
{
    const uint64_t at = in.position();
    const auto raw = in.read<uint32_t>(field);
    if (raw > static_cast<uint32_t>(GgufValueType::Float64))
        in.fail(at, field, "value type " + std::to_string(raw) + " is not a GGUF type (0 to 12)");
    return static_cast<GgufValueType>(raw);
}

using Scalar = decltype(GgufValue::scalar);

Scalar read_scalar(Cursor& in, GgufValueType type, const std::string& field)
{
    switch (type) {
    case GgufValueType::UInt8: return uint64_t{in.read<uint8_t>(field)};
    case GgufValueType::Int8: return int64_t{in.read<int8_t>(field)};
    case GgufValueType::UInt16: return uint64_t{in.read<uint16_t>(field)};
    case GgufValueType::Int16: return int64_t{in.read<int16_t>(field)};
    case GgufValueType::UInt32: return uint64_t{in.read<uint32_t>(field)};
    case GgufValueType::Int32: return int64_t{in.read<int32_t>(field)};
    case GgufValueType::UInt64: return in.read<uint64_t>(field);
    case GgufValueType::Int64: return in.read<int64_t>(field);
    case GgufValueType::Float32: return double{in.read<float>(field)};
    case GgufValueType::Float64: return in.read<double>(field);
    case GgufValueType::Bool: {
        const uint64_t at = in.position();
        const auto b = in.read<uint8_t>(field);
        if (b > 1)
            in.fail(at, field, "a bool must be 0 or 1, got " + std::to_string(b));
        return b == 1;
    }
    default: return std::monostate{};
    }
}

GgufValue read_value(Cursor& in, GgufValueType type, const std::string& key)
{
    GgufValue v;
    v.type = type;
    if (type == GgufValueType::String) {
        if (auto text = in.string(key, kMaxKeptStringBytes))
            v.scalar = std::move(*text);
        return v;
    }
    if (type != GgufValueType::Array) {
        v.scalar = read_scalar(in, type, key);
        return v;
    }
    const uint64_t at = in.position();
    v.element_type = value_type(in, key + " (array element type)");
    if (v.element_type == GgufValueType::Array)
        in.fail(at, key, "an array of arrays: GGUF readers (llama.cpp's included) take arrays of one plain type");
    const uint64_t count_at = in.position();
    v.count = in.read<uint64_t>(key + " (array length)");
    // Each element takes at least its fixed size, a string at least its 8-byte length: a count the bytes left
    // cannot hold is refused before anything is sized from it.
    const uint64_t least = v.element_type == GgufValueType::String ? 8 : fixed_size(v.element_type);
    if (v.count > in.left() / least)
        in.fail(count_at, key, "an array of " + std::to_string(v.count) + " " + std::string(to_string(v.element_type))
                                   + " values cannot fit in the " + std::to_string(in.left()) + " bytes left");
    if (v.element_type == GgufValueType::String) {
        for (uint64_t i = 0; i < v.count; ++i)
            in.string(key + "[" + std::to_string(i) + "]", 0);
        return v;
    }
    if (v.count > kGgufKeptArrayLength) {
        in.skip(v.count * least, key);
        return v;
    }
    v.numbers.reserve(static_cast<std::size_t>(v.count));
    for (uint64_t i = 0; i < v.count; ++i) {
        GgufValue element;
        element.scalar = read_scalar(in, v.element_type, key + "[" + std::to_string(i) + "]");
        if (v.element_type == GgufValueType::Bool)
            v.numbers.push_back(std::get<bool>(element.scalar) ? 1 : 0);
        else
            v.numbers.push_back(*element.as_number());
    }
    return v;
}

void read_version(Cursor& in, GgufFile& file)
{
    in.need(4, "magic");
    char magic[4];
    for (char& c : magic)
        c = static_cast<char>(in.read<uint8_t>("magic"));
    if (std::memcmp(magic, "GGUF", 4) != 0)
        in.fail(0, "magic", "not a GGUF file (it starts with bytes other than \"GGUF\")");
    const auto version = in.read<uint32_t>("version");
    if (version == 1)
        in.fail(4, "version", "GGUF version 1 (2023, 32-bit counts) is not read; convert the model again with a "
                              "current llama.cpp (version 3)");
    // A big-endian file's version 2 or 3 reads as 0x02000000 or 0x03000000 little-endian.
    if ((version & 0xFFFF) == 0 && (version >> 24) >= 1 && (version >> 24) <= 3)
        in.fail(4, "version", "a big-endian GGUF file (version " + std::to_string(version >> 24)
                                  + " byte-swapped); only little-endian files are read");
    if (version != 2 && version != 3)
        in.fail(4, "version", "GGUF version " + std::to_string(version) + " is not known (2 and 3 are read)");
    file.version = version;
}

void read_metadata(Cursor& in, GgufFile& file, uint64_t kv_count)
{
    for (uint64_t i = 0; i < kv_count; ++i) {
        const std::string label = "metadata[" + std::to_string(i) + "]";
        const uint64_t at = in.position();
        std::string key = in.name(label + " key", "key");
        const GgufValueType type = value_type(in, key + " (type)");
        GgufValue value = read_value(in, type, key);
        if (!file.metadata.emplace(key, std::move(value)).second)
            in.fail(at, key, "the key appears twice");
    }
    if (const GgufValue* a = file.find("general.alignment")) {
        const auto n = a->as_integer();
        if (a->type != GgufValueType::UInt32 || !n || *n == 0 || (*n & (*n - 1)) != 0)
            in.fail(0, "general.alignment", "must be a uint32 power of two, got a " + std::string(to_string(a->type))
                                                + (n ? " " + std::to_string(*n) : std::string()));
        file.alignment = static_cast<uint64_t>(*n);
    }
}

GgufTensor read_tensor_info(Cursor& in, uint64_t index, const GgufFile& file)
{
    GgufTensor t;
    const std::string label = "tensor[" + std::to_string(index) + "]";
    t.name = in.name(label + " name", "tensor name");
    const uint64_t dims_at = in.position();
    const auto dims = in.read<uint32_t>(t.name + " (dimensions)");
    if (dims == 0 || dims > kMaxDims)
        in.fail(dims_at, t.name, std::to_string(dims) + " dimensions (ggml tensors have 1 to 4)");
    uint64_t elements = 1;
    for (uint32_t d = 0; d < dims; ++d) {
        const uint64_t at = in.position();
        const auto ne = in.read<uint64_t>(t.name + " (ne[" + std::to_string(d) + "])");
        if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || (ne != 0 && elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / ne))
            in.fail(at, t.name, "ne[" + std::to_string(d) + "] = " + std::to_string(ne) + " makes more elements than a tensor can hold");
        elements *= ne;
        t.shape.push_back(static_cast<int64_t>(ne));
    }
    const uint64_t type_at = in.position();
    const auto type_id = in.read<uint32_t>(t.name + " (type)");
    const GgmlType* type = type_id <= 1024 ? find_ggml_type(static_cast<int>(type_id)) : nullptr;
    if (!type)
        in.fail(type_at, t.name, "ggml type " + std::to_string(type_id) + " is not one this tool knows (or ggml removed it)");
    t.type = std::string(type->name);
    if (t.shape[0] % type->block_size != 0)
        in.fail(type_at, t.name, "a row of " + std::to_string(t.shape[0]) + " elements is not a whole number of "
                                     + t.type + " blocks (" + std::to_string(type->block_size) + ")");
    const uint64_t blocks = elements / static_cast<uint64_t>(type->block_size);
    t.bytes = blocks * static_cast<uint64_t>(type->bytes_per_block); // ≤ 2^63/1 · 34 could wrap: checked below
    if (blocks != 0 && t.bytes / blocks != static_cast<uint64_t>(type->bytes_per_block))
        in.fail(type_at, t.name, "its size overflows 64 bits");
    const uint64_t offset_at = in.position();
    t.offset = in.read<uint64_t>(t.name + " (offset)");
    if (t.offset % file.alignment != 0)
        in.fail(offset_at, t.name, "data offset " + std::to_string(t.offset) + " is not a multiple of the alignment "
                                       + std::to_string(file.alignment));
    return t;
}

GgufFile parse(ByteSource& source, const std::string& name, uint64_t file_size)
{
    Cursor in(source, name);
    GgufFile file;
    file.source = name;
    file.file_size = file_size;
    read_version(in, file);
    const auto tensor_count = in.read<uint64_t>("tensor_count");
    const auto kv_count = in.read<uint64_t>("metadata_kv_count");
    // The smallest key-value pair is 13 bytes (a one-byte key and a uint8); the smallest tensor entry 33.
    if (kv_count > in.left() / 13)
        in.fail(16, "metadata_kv_count", std::to_string(kv_count) + " pairs cannot fit in the " + std::to_string(in.left())
                                             + " bytes that follow");
    read_metadata(in, file, kv_count);
    if (tensor_count > in.left() / 33)
        in.fail(8, "tensor_count", std::to_string(tensor_count) + " tensors cannot fit in the " + std::to_string(in.left())
                                       + " bytes after the metadata");
    std::set<std::string> names;
    file.tensors.reserve(static_cast<std::size_t>(tensor_count));
    for (uint64_t i = 0; i < tensor_count; ++i) {
        const uint64_t at = in.position();
        GgufTensor t = read_tensor_info(in, i, file);
        if (!names.insert(t.name).second)
            in.fail(at, t.name, "the tensor name appears twice");
        file.tensors.push_back(std::move(t));
    }
    const uint64_t end = in.position();
    file.data_offset = end + (file.alignment - end % file.alignment) % file.alignment;
    // The weights are not read, but they must be there: a header that points past the end is truncated or lies.
    for (const GgufTensor& t : file.tensors) {
        if (file.data_offset > file_size || t.offset > file_size - file.data_offset
            || t.bytes > file_size - file.data_offset - t.offset)
            in.fail(file.data_offset + t.offset, t.name,
                    "its " + std::to_string(t.bytes) + " bytes of data at offset " + std::to_string(t.offset)
                        + " of the data section (which starts at byte " + std::to_string(file.data_offset)
                        + ") end past the end of the file (" + std::to_string(file_size) + " bytes): truncated");
    }
    // Nor may two tensors share bytes: each starts at or after the end of the one before it.
    std::vector<const GgufTensor*> by_offset;
    for (const GgufTensor& t : file.tensors)
        by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(), [](const GgufTensor* a, const GgufTensor* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const GgufTensor& before = *by_offset[i - 1];
        if (by_offset[i]->offset < before.offset + before.bytes)
            in.fail(file.data_offset + by_offset[i]->offset, by_offset[i]->name,
                    "its data at offset " + std::to_string(by_offset[i]->offset) + " overlaps " + before.name + "'s");
    }
    return file;
}

} // namespace

GgufFile parse_gguf(std::span<const std::byte> bytes, const std::string& source, std::optional<uint64_t> file_size)
{
    BufferSource buffer(bytes);
    return parse(buffer, source, std::max<uint64_t>(file_size.value_or(bytes.size()), bytes.size()));
}

GgufFile read_gguf_file(const std::filesystem::path& path)
{
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw InputError(InputLocation{path.string(), {}, {}, {}, {}}, "cannot open the file: " + ec.message());
    FileSource file(path, size);
    return parse(file, path.string(), size);
}

bool looks_like_gguf(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

} // namespace roofline
