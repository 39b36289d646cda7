// GGUF's metadata values and tensor entries: the small accessors the reader's results offer.
#include "roofline/workloads/gguf.h"

#include <cmath>
#include <limits>

namespace roofline {

std::string_view to_string(GgufValueType type)
{
    switch (type) {
    case GgufValueType::UInt8: return "uint8";
    case GgufValueType::Int8: return "int8";
    case GgufValueType::UInt16: return "uint16";
    case GgufValueType::Int16: return "int16";
    case GgufValueType::UInt32: return "uint32";
    case GgufValueType::Int32: return "int32";
    case GgufValueType::Float32: return "float32";
    case GgufValueType::Bool: return "bool";
    case GgufValueType::String: return "string";
    case GgufValueType::Array: return "array";
    case GgufValueType::UInt64: return "uint64";
    case GgufValueType::Int64: return "int64";
    case GgufValueType::Float64: return "float64";
    }
    return "unknown";
}

std::optional<int64_t> GgufValue::as_integer() const
{
    if (const auto* u = std::get_if<uint64_t>(&scalar))
        return *u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::optional<int64_t>(static_cast<int64_t>(*u))
                                                                                 : std::nullopt;
    if (const auto* i = std::get_if<int64_t>(&scalar))
        return *i;
    // A float that holds a whole number in int64_t's range (checked before the cast, which is undefined outside it).
    if (const auto* d = std::get_if<double>(&scalar); d && std::isfinite(*d) && std::fabs(*d) < 9.2e18 && std::floor(*d) == *d)
        return static_cast<int64_t>(*d);
    return std::nullopt;
}

std::optional<double> GgufValue::as_number() const
{
    if (const auto* u = std::get_if<uint64_t>(&scalar))
        return static_cast<double>(*u);
    if (const auto* i = std::get_if<int64_t>(&scalar))
        return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&scalar))
        return *d;
    return std::nullopt;
}

const std::string* GgufValue::as_string() const
{
    return std::get_if<std::string>(&scalar);
}

int64_t GgufTensor::elements() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

const GgufValue* GgufFile::find(const std::string& key) const
{
    const auto it = metadata.find(key);
    return it == metadata.end() ? nullptr : &it->second;
}

uint64_t GgufFile::tensor_bytes() const
{
    uint64_t total = 0;
    for (const GgufTensor& t : tensors)
        total += t.bytes;
    return total;
}

} // namespace roofline
