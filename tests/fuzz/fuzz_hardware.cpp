// libFuzzer target: the hardware profile reader (presets and user profiles) and its writer.
#include "fuzz_reader.h"

#include "roofline/hardware/hardware_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    return rl_fuzz::check_reader(
        data, size, [](std::string_view text) { return roofline::parse_hardware_json(text, "fuzz_profile.json"); },
        [](const roofline::HardwareSpec& spec) {
            roofline::parse_hardware_json(roofline::hardware_to_json(spec), "written.json");
        });
}
