#pragma once
// The element types the plugin fills, multiplies and checks, and what they cost in storage.

#include <cstdint>

namespace rl_cuda {

enum class ElemKind {
    F64,
    F32,
    F16,
    BF16,
    E4M3, // FP8
    E5M2, // FP8
    E2M1, // FP4, two a byte: element i is the low nibble of byte i/2 when i is even
    I8,
    I32,
};

inline int storage_bits(ElemKind kind)
{
    switch (kind) {
    case ElemKind::F64: return 64;
    case ElemKind::F32: return 32;
    case ElemKind::F16: return 16;
    case ElemKind::BF16: return 16;
    case ElemKind::E4M3: return 8;
    case ElemKind::E5M2: return 8;
    case ElemKind::E2M1: return 4;
    case ElemKind::I8: return 8;
    case ElemKind::I32: return 32;
    }
    return 0;
}

inline const char* elem_name(ElemKind kind)
{
    switch (kind) {
    case ElemKind::F64: return "FP64";
    case ElemKind::F32: return "FP32";
    case ElemKind::F16: return "FP16";
    case ElemKind::BF16: return "BF16";
    case ElemKind::E4M3: return "E4M3";
    case ElemKind::E5M2: return "E5M2";
    case ElemKind::E2M1: return "E2M1";
    case ElemKind::I8: return "INT8";
    case ElemKind::I32: return "INT32";
    }
    return "?";
}

// Storage of `count` elements [bytes], rounded up to whole bytes.
inline uint64_t storage_bytes(ElemKind kind, uint64_t count)
{
    return (count * static_cast<uint64_t>(storage_bits(kind)) + 7) / 8;
}

} // namespace rl_cuda
