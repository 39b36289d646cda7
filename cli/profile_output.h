#pragma once
// Where `roofline calibrate` and `roofline transfer` put the profile they make: --out FILE, --save (a user
// profile the app and every command see), or standard output when neither is given.

#include "args.h"

#include "roofline/model/hardware.h"

namespace roofline::cli {

void write_profile_outputs(const ParsedArgs& args, const HardwareSpec& profile);

} // namespace roofline::cli
