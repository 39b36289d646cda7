#pragma once

#include "args.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"

#include <string>
#include <vector>

namespace roofline::cli {

// Exit codes: 0 ok, 1 usage, 2 bad input (files, shapes, keys), 3 no plugin or device, 4 unexpected.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNoDevice = 3;
inline constexpr int kExitUnexpected = 4; // a bug or the system (disk full): the message says which

struct Command {
    CommandSpec spec;
    int (*run)(const ParsedArgs& args);
};

Command hardware_list_command();
Command hardware_show_command();
Command predict_command();
Command validate_command();
Command bench_command();
Command ceilings_command();
Command export_script_command();
Command calibrate_command();
Command models_list_command();
Command models_show_command();
Command transfer_command();
Command model_command();

// The presets plus the user's profiles; a broken user profile is a warning on stderr, not an error.
HardwareRegistry load_registry();

// Why `roofline COMMAND FILES` has no profile to predict on when --OPTION is not given: the device the set ran on (or
// that it names none), that no profile matches it, and the two ways on (measure one with `roofline ceilings
// --save-profile`, or pass --OPTION with a profile from `roofline hardware list`).
std::string no_profile_message(const MeasurementSet& set, const std::string& command, const std::string& option,
                               const std::string& files);

} // namespace roofline::cli
