#include "commands.h"
#include "plugin_choice.h"

#include "roofline/calibration/ceilings.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/hardware/profile_store.h"

#include <atomic>
#include <iostream>

namespace roofline::cli {

namespace {

int run_ceilings(const ParsedArgs& args)
{
    const int index = args.value("device") ? parse_int(*args.value("device"), "device", 0) : 0;
    auto device = open_plugin_device(args.value("plugin").value_or("cuda"), index, args.flag("in-process"));
    std::cout << "device: " << device->info().summary() << "\n" << std::flush;
    const std::atomic<bool> stop{false};
    const MeasuredCeilings ceilings = measure_ceilings(*device, stop, [](const std::string& line) { std::cout << "  " << line << std::endl; });
    const std::string json = ceilings_to_json(ceilings);
    const auto out = args.value("out");
    if (out) {
        write_file_atomically(*out, json);
        std::cout << "wrote " << *out << '\n';
    }
    if (const auto key = args.value("save-profile")) {
        const HardwareSpec profile = profile_from_ceilings(ceilings, *key, out ? *out : "roofline ceilings");
        const auto file = save_user_profile(profile);
        std::cout << "saved profile '" << *key << "' to " << file.string() << '\n';
    }
    if (!out && !args.value("save-profile"))
        std::cout << json;
    return kExitOk;
}

} // namespace

Command ceilings_command()
{
    return {{"ceilings", "roofline ceilings [--plugin cuda|cpu|FILE] [--out FILE]",
             "Measures what the device really reaches: DRAM read and copy bandwidth, L2 bandwidth, launch overhead,\n"
             "the launch gap between dependent kernels (launched one by one, and replayed from a CUDA graph) and\n"
             "peak GEMM throughput per precision. The JSON feeds `roofline calibrate`.",
             {{"plugin", "NAME", "cuda (default), cpu, or a plugin file"},
              {"device", "INDEX", "device index (default 0)"},
              {"out", "FILE", "write the ceilings JSON here (default: print it)"},
              {"save-profile", "KEY", "also save a hardware profile of the measured numbers as KEY (e.g. host)"},
              kInProcessOption},
             0, 0},
            &run_ceilings};
}

} // namespace roofline::cli
