// libFuzzer target: the benchmark plan reader and its writer.
#include "fuzz_reader.h"

#include "roofline/benchmarking/bench_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    return rl_fuzz::check_reader(
        data, size, [](std::string_view text) { return roofline::parse_plan_json(text, "fuzz_plan.json"); },
        [](const roofline::BenchPlan& plan) { roofline::parse_plan_json(roofline::plan_to_json(plan), "written.json"); });
}
