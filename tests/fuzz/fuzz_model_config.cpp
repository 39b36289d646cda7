// libFuzzer target: the Hugging Face config.json reader, and the counts every description it accepts feeds
// (parameters and weight bytes must come out finite and non-negative: they size the memory verdict).
#include "fuzz_reader.h"

#include "roofline/workloads/model_config.h"
#include "roofline/workloads/model_parameters.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    return rl_fuzz::check_reader(
        data, size, [](std::string_view text) { return roofline::parse_model_config(text, "fuzz_config.json"); },
        [](const roofline::ModelDescription& model) {
            const double bytes = roofline::weight_bytes(model).total_bytes();
            if (!std::isfinite(bytes) || bytes < 0) {
                std::fprintf(stderr, "weight bytes %g for an accepted config\n", bytes);
                std::abort();
            }
            (void)roofline::count_parameters(model).total();
        });
}
