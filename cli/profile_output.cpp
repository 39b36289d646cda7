#include "profile_output.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/hardware/profile_store.h"

#include <iostream>

namespace roofline::cli {

void write_profile_outputs(const ParsedArgs& args, const HardwareSpec& profile)
{
    const std::string json = hardware_to_json(profile) + "\n";
    if (const auto out = args.value("out")) {
        write_file_atomically(*out, json);
        std::cerr << "wrote " << *out << '\n';
    }
    if (args.flag("save")) {
        const auto file = save_user_profile(profile);
        std::cerr << "saved as a user profile: " << file.string() << '\n';
    }
    if (!args.value("out") && !args.flag("save"))
        std::cout << json;
}

} // namespace roofline::cli
