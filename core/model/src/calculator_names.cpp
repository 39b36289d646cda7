// The names the CLI, the app and the files use for the calculator's modes, cache modes, bottlenecks and refined terms.
#include "roofline/model/calculator.h"

namespace roofline {

std::string_view to_string(Mode m)
{
    switch (m) {
    case Mode::Ideal: return "ideal";
    case Mode::Realistic: return "realistic";
    case Mode::Refined: return "refined";
    }
    return "?";
}

std::optional<Mode> parse_mode(std::string_view text)
{
    for (Mode m : {Mode::Ideal, Mode::Realistic, Mode::Refined}) {
        if (text == to_string(m))
            return m;
    }
    if (text == "plan")
        return Mode::Realistic;
    return std::nullopt;
}

std::string_view to_string(CacheMode m)
{
    return m == CacheMode::Cold ? "cold" : "warm";
}

std::string_view to_string(Bottleneck b)
{
    switch (b) {
    case Bottleneck::Memory: return "memory";
    case Bottleneck::Compute: return "compute";
    case Bottleneck::Latency: return "latency";
    }
    return "?";
}

const std::vector<TermInfo>& model_terms()
{
    static const std::vector<TermInfo> terms = {
        {"floor", "Latency floor", "a fixed cost per kernel (launch, ramp-up, tail), fitted per kernel and precision",
         &ModelTerms::launch_floor},
        {"l2", "L2 residency",
         "warm inputs that fit in L2 stream at L2 bandwidth; others come from DRAM and pay its latency",
         &ModelTerms::cache_aware},
        {"waves", "Wave quantization", "GEMM output tiles run in whole waves over the SMs", &ModelTerms::wave_quantization},
        {"split", "Split efficiencies", "separate compute and memory efficiencies instead of one factor",
         &ModelTerms::split_efficiency},
        {"power", "Power throttle", "compute-bound work beyond the fitted knee runs at the power-capped clock",
         &ModelTerms::power_throttle},
        {"align", "Row alignment",
         "operand rows that are not multiples of 128 bytes (partial tiles) or of 16 bytes (no vector loads) run slower",
         &ModelTerms::alignment},
    };
    return terms;
}

} // namespace roofline
