// libFuzzer target: the measured-ceilings reader and its writer.
#include "fuzz_reader.h"

#include "roofline/calibration/ceilings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    return rl_fuzz::check_reader(
        data, size, [](std::string_view text) { return roofline::parse_ceilings_json(text, "fuzz_ceilings.json"); },
        [](const roofline::MeasuredCeilings& ceilings) {
            roofline::parse_ceilings_json(roofline::ceilings_to_json(ceilings), "written.json");
        });
}
