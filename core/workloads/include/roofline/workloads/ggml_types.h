#pragma once
// ggml's tensor types: how llama.cpp and GGUF files store weights, block by block. The ids are those of
// enum ggml_type in ggml/include/ggml.h; block sizes and bytes follow the block structs of ggml/src/ggml-common.h
// (ggml-org/llama.cpp). A GGUF reader and the weight formats of a model step share this one table.

#include <cstdint>
#include <span>
#include <string_view>

namespace roofline {

struct GgmlType {
    std::string_view name;   // as ggml_type_name writes it: "Q4_K"
    int id;                  // GGML_TYPE_Q4_K = 12
    int block_size;          // elements in one block
    int bytes_per_block;     // [bytes] the block struct's size, scales included
    bool quantized;

    double bytes_per_element() const { return static_cast<double>(bytes_per_block) / block_size; }
    double bits_per_element() const { return 8.0 * bytes_per_element(); }
};

std::span<const GgmlType> ggml_types();

// Case-insensitive; nullptr when ggml has no such type (or it was removed, like Q4_2 or Q4_0_4_4).
const GgmlType* find_ggml_type(std::string_view name);
const GgmlType* find_ggml_type(int id);

} // namespace roofline
