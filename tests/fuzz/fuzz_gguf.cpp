// libFuzzer target: the GGUF header reader and the model it describes. Whatever the header claims, the reader
// refuses with InputError or gives tensors whose bytes fit in the input (it never sizes anything from a count the
// input cannot hold), and a model whose stored bytes are those tensors'.
#include "fuzz_reader.h"

#include "roofline/workloads/gguf.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    return rl_fuzz::check_reader(
        data, size, [&](std::string_view) { return roofline::parse_gguf(bytes, "fuzz.gguf"); },
        [&](const roofline::GgufFile& file) {
            if (file.tensor_bytes() > size || file.data_offset > size + file.alignment) {
                std::fprintf(stderr, "tensors of %llu bytes accepted from %zu bytes\n",
                             static_cast<unsigned long long>(file.tensor_bytes()), size);
                std::abort();
            }
            try {
                const roofline::ModelDescription model = roofline::gguf_model(file);
                if (model.stored_bytes() != static_cast<double>(file.tensor_bytes()) || model.hidden_size <= 0)
                    std::abort();
            } catch (const roofline::InputError&) {
                // A header that reads but describes no model the tool runs.
            }
        });
}
