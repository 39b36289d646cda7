#pragma once
// llama.cpp's GGUF files: the header only (metadata key-value pairs and the tensor table), never the weights.
// Versions 2 and 3, little-endian. The architecture fields become a ModelDescription whose stored tensors are the
// file's own, so a step is predicted at each tensor's real format and the model's bytes are its tensors' bytes.

#include "roofline/workloads/model_config.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roofline {

// GGUF's metadata value types (gguf_type in ggml/include/gguf.h).
enum class GgufValueType : uint32_t {
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8,
    Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
};
std::string_view to_string(GgufValueType type); // "uint32", "array", …

// One metadata value. Arrays keep their element type and count; their numbers are kept when there are at most
// kGgufKeptArrayLength of them (per-layer head counts), their strings never (a tokenizer's vocabulary).
struct GgufValue {
    GgufValueType type = GgufValueType::UInt32;
    std::variant<std::monostate, uint64_t, int64_t, double, bool, std::string> scalar;
    GgufValueType element_type = GgufValueType::UInt32; // arrays only
    uint64_t count = 0;                                  // arrays only
    std::vector<double> numbers;                         // arrays of numbers, when short enough

    // The value as a whole number: unsigned, signed and integral floats; nullopt for anything else.
    std::optional<int64_t> as_integer() const;
    std::optional<double> as_number() const;
    const std::string* as_string() const;
};
inline constexpr uint64_t kGgufKeptArrayLength = 4096;

struct GgufTensor {
    std::string name;            // "blk.0.attn_q.weight"
    std::vector<int64_t> shape;  // ggml's ne: shape[0] is the row (the input width of a weight)
    std::string type;            // ggml type name, "Q4_K"
    uint64_t offset = 0;         // [bytes] from the start of the data section
    uint64_t bytes = 0;          // [bytes] rows of whole blocks; padding not counted
    int64_t elements() const;
};

struct GgufFile {
    std::string source;
    uint32_t version = 0;
    uint64_t alignment = 32;     // general.alignment
    uint64_t data_offset = 0;    // [bytes] where the data section starts
    uint64_t file_size = 0;      // [bytes]
    std::map<std::string, GgufValue> metadata;
    std::vector<GgufTensor> tensors;

    const GgufValue* find(const std::string& key) const;
    uint64_t tensor_bytes() const; // Σ the tensors' bytes
};

// Reads the header of `bytes` (a whole file, or at least its header with `file_size` the whole file's size so
// tensors are checked against it). Throws InputError naming the source, the byte offset and the field for a
// truncated, foreign (not GGUF), version-1, big-endian or inconsistent header.
GgufFile parse_gguf(std::span<const std::byte> bytes, const std::string& source, std::optional<uint64_t> file_size = {});

// Reads only the header of the file at `path`, however large the file.
GgufFile read_gguf_file(const std::filesystem::path& path);

// The model a GGUF header describes: general.architecture and its <arch>.* fields, the vocabulary from the
// tokenizer's token list (else <arch>.vocab_size, else token_embd's rows), biases, q/k norms and tied
// embeddings from the tensors present, and every tensor in stored_tensors. Throws InputError naming the key.
ModelDescription gguf_model(const GgufFile& file);
ModelDescription load_gguf_model(const std::filesystem::path& path);

// llama.cpp's name of a family's architecture (general.architecture): "llama" for Llama, Mistral and Mixtral.
std::string_view gguf_architecture(ModelFamily family);

// True when the file starts with GGUF's magic, whatever follows: how load_model tells a GGUF from a config.json.
bool looks_like_gguf(const std::filesystem::path& path);

} // namespace roofline
