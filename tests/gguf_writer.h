#pragma once
// Tests' GGUF files, written byte by byte: a header of metadata and tensor entries, and a data section left
// sparse (the file is sized, never filled). Big-endian and version-1 output exist to be refused.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rl_test {

class GgufWriter {
public:
    bool big_endian = false;
    uint32_t version = 3;
    uint64_t alignment = 32;

    void u32(const std::string& key, uint32_t v) { kv(key, 4); put(v, 4); }
    void u64(const std::string& key, uint64_t v) { kv(key, 10); put(v, 8); }
    void f32(const std::string& key, float v)
    {
        kv(key, 6);
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        put(bits, 4);
    }
    void boolean(const std::string& key, uint8_t v) { kv(key, 7); put(v, 1); }
    void str(const std::string& key, const std::string& v) { kv(key, 8); text(v); }
    void strings(const std::string& key, uint64_t n, const std::string& each = "tok")
    {
        kv(key, 9);
        put(8, 4);
        put(n, 8);
        for (uint64_t i = 0; i < n; ++i)
            text(each);
    }
    void u32s(const std::string& key, const std::vector<uint32_t>& values)
    {
        kv(key, 9);
        put(4, 4);
        put(values.size(), 8);
        for (uint32_t v : values)
            put(v, 4);
    }
    // Raw bytes in the metadata section, for lies the typed helpers cannot tell.
    void raw_kv(const std::string& key, uint32_t type, const std::vector<uint8_t>& value)
    {
        kv(key, type);
        meta_.insert(meta_.end(), value.begin(), value.end());
    }

    // ggml type id, ne (ne[0] first), data bytes as the caller counts them (the data section's layout).
    void tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t bytes)
    {
        tensors_.push_back({name, std::move(ne), type, data_, bytes});
        data_ += (bytes + alignment - 1) / alignment * alignment;
    }

    uint64_t data_bytes() const { return data_; }

    std::string header() const
    {
        std::string out = "GGUF";
        std::vector<uint8_t> b;
        const auto push = [&](uint64_t v, int n) { append(b, v, n); };
        push(version, 4);
        const int count_bytes = version == 1 ? 4 : 8;
        push(tensors_.size(), count_bytes);
        push(kv_count_, count_bytes);
        b.insert(b.end(), meta_.begin(), meta_.end());
        for (const Tensor& t : tensors_) {
            push(t.name.size(), 8);
            b.insert(b.end(), t.name.begin(), t.name.end());
            push(t.ne.size(), 4);
            for (uint64_t d : t.ne)
                push(d, 8);
            push(t.type, 4);
            push(t.offset, 8);
        }
        while ((out.size() + b.size()) % alignment != 0)
            b.push_back(0);
        out.append(b.begin(), b.end());
        return out;
    }

    // The header, then a sparse data section of data_bytes() (minus `short_by`).
    void write(const std::filesystem::path& path, uint64_t short_by = 0) const
    {
        const std::string h = header();
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out.write(h.data(), static_cast<std::streamsize>(h.size()));
        }
        std::filesystem::resize_file(path, h.size() + data_ - short_by);
    }

private:
    struct Tensor {
        std::string name;
        std::vector<uint64_t> ne;
        uint32_t type;
        uint64_t offset;
        uint64_t bytes;
    };

    void append(std::vector<uint8_t>& b, uint64_t v, int n) const
    {
        for (int i = 0; i < n; ++i)
            b.push_back(static_cast<uint8_t>(v >> (8 * (big_endian ? n - 1 - i : i))));
    }
    void put(uint64_t v, int n) { append(meta_, v, n); }
    void text(const std::string& s)
    {
        put(s.size(), version == 1 ? 4 : 8);
        meta_.insert(meta_.end(), s.begin(), s.end());
    }
    void kv(const std::string& key, uint32_t type)
    {
        ++kv_count_;
        text(key);
        put(type, 4);
    }

    std::vector<uint8_t> meta_;
    std::vector<Tensor> tensors_;
    uint64_t kv_count_ = 0;
    uint64_t data_ = 0;
};

// ggml type ids and block bytes (ggml.h, ggml-common.h) the test models use.
inline constexpr uint32_t kF32 = 0, kQ4_K = 12, kQ6_K = 14, kQ8_0 = 8;
inline uint64_t q4k_bytes(uint64_t elements) { return elements / 256 * 144; }
inline uint64_t q6k_bytes(uint64_t elements) { return elements / 256 * 210; }

// A two-layer Llama of width 256 (4 heads of 64, 2 KV heads), FFN 512, vocabulary 1024, stored as a Q4_K_M file
// would be (Q6_K attn_v, ffn_down and output; F32 norms).
inline GgufWriter tiny_llama(uint32_t version = 3)
{
    GgufWriter w;
    w.version = version;
    w.str("general.architecture", "llama");
    w.str("general.name", "Tiny Llama");
    w.u32("general.file_type", 15);
    w.u32("llama.embedding_length", 256);
    w.u32("llama.block_count", 2);
    w.u32("llama.attention.head_count", 4);
    w.u32("llama.attention.head_count_kv", 2);
    w.u32("llama.feed_forward_length", 512);
    w.u32("llama.context_length", 8192);
    w.f32("llama.rope.freq_base", 500000.0f);
    w.strings("tokenizer.ggml.tokens", 1024);
    w.tensor("token_embd.weight", {256, 1024}, kQ4_K, q4k_bytes(256 * 1024));
    for (int layer = 0; layer < 2; ++layer) {
        const std::string b = "blk." + std::to_string(layer) + ".";
        w.tensor(b + "attn_norm.weight", {256}, kF32, 256 * 4);
        w.tensor(b + "attn_q.weight", {256, 256}, kQ4_K, q4k_bytes(256 * 256));
        w.tensor(b + "attn_k.weight", {256, 128}, kQ4_K, q4k_bytes(256 * 128));
        w.tensor(b + "attn_v.weight", {256, 128}, kQ6_K, q6k_bytes(256 * 128));
        w.tensor(b + "attn_output.weight", {256, 256}, kQ4_K, q4k_bytes(256 * 256));
        w.tensor(b + "ffn_norm.weight", {256}, kF32, 256 * 4);
        w.tensor(b + "ffn_gate.weight", {256, 512}, kQ4_K, q4k_bytes(256 * 512));
        w.tensor(b + "ffn_up.weight", {256, 512}, kQ4_K, q4k_bytes(256 * 512));
        w.tensor(b + "ffn_down.weight", {512, 256}, kQ6_K, q6k_bytes(512 * 256));
    }
    w.tensor("output_norm.weight", {256}, kF32, 256 * 4);
    w.tensor("output.weight", {256, 1024}, kQ6_K, q6k_bytes(256 * 1024));
    return w;
}

// Σ the tiny model's tensor bytes, counted by hand from the block sizes above.
inline uint64_t tiny_llama_bytes()
{
    const uint64_t layer = 2 * 256 * 4 + q4k_bytes(256 * 256) * 2 + q4k_bytes(256 * 128) + q6k_bytes(256 * 128)
        + q4k_bytes(256 * 512) * 2 + q6k_bytes(512 * 256);
    return q4k_bytes(256 * 1024) + 2 * layer + 256 * 4 + q6k_bytes(256 * 1024);
}

} // namespace rl_test
