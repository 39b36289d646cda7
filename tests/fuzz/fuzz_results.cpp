// libFuzzer target: the results reader (the plan's benchmark schema) and its writer.
#include "fuzz_reader.h"

#include "roofline/results/measurements.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    return rl_fuzz::check_reader(
        data, size, [](std::string_view text) { return roofline::parse_measurements(text, "fuzz.json"); },
        [](const roofline::MeasurementSet& set) {
            roofline::parse_measurements(roofline::measurements_to_json(set), "written.json");
        });
}
