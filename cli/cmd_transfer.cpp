#include "commands.h"
#include "profile_output.h"

#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"
#include "roofline/calibration/profile_transfer.h"
#include "roofline/results/reports.h"

#include <filesystem>
#include <iostream>

namespace roofline::cli {

namespace {

int run_transfer(const ParsedArgs& args)
{
    HardwareRegistry registry = load_registry();
    const std::string to = args.required("to");
    // A path to a profile file, or a key.
    const HardwareSpec target = std::filesystem::is_regular_file(to) ? registry.load_file(to) : registry.get(to);
    const HardwareSpec* source = nullptr;
    if (const auto from = args.value("from")) {
        source = &registry.get(*from);
    } else {
        source = nearest_measured(target, registry.all());
        if (!source)
            throw InputError("no measured profile to transfer from (none has a calibration record)");
    }
    TransferOptions options;
    options.key = args.value("key").value_or("");
    options.name = args.value("name").value_or("");
    const TransferResult result = transfer_profile(*source, target, options);
    std::cerr << "transferred " << source->key << " -> " << result.profile.key
              << (args.value("from") ? std::string() : std::string(" (the nearest measured architecture)")) << '\n';
    for (const auto& line : result.log)
        std::cerr << "  " << line << '\n';

    write_profile_outputs(args, result.profile);
    return kExitOk;
}

} // namespace

Command transfer_command()
{
    return {{"transfer", "roofline transfer --to KEY|FILE [--from KEY] [--key NEW] [--name NAME] [-o|--out PROFILE.json] [--save]",
             "Gives a datasheet profile realistic and refined terms transferred from a measured one (docs/model.md,\n"
             "Transferred profiles): efficiencies and floors unchanged, L2 bandwidth scaled by L2 size and SM clock,\n"
             "realistic factors re-derived, the throttle only within one architecture, a precision the source never\n"
             "measured left ideal. Every transferred number is sourced to the source's measurements.",
             {{"to", "KEY", "the profile to give the terms to (its datasheet figures are kept)"},
              {"from", "KEY", "the measured profile to transfer from (default: the nearest measured architecture)"},
              {"key", "KEY", "the new profile's key (default: the target's)"},
              {"name", "NAME", "the new profile's name (default: the target's)"},
              {"out", "FILE", "write the profile here"},
              {"save", "", "save it as a user profile, so the app and every command see it"}},
             0, 0},
            &run_transfer};
}

} // namespace roofline::cli
