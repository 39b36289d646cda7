#pragma once

#include "args.h"

#include "roofline/model/calculator.h"

namespace roofline::cli {

// --mode ideal|realistic|refined (--ideal is short for --mode ideal) and --terms floor,l2,waves,split,power,align|none.
Mode mode_option(const ParsedArgs& args);
ModelTerms terms_option(const ParsedArgs& args);

inline const OptionSpec kModeOption{"mode", "MODE", "ideal (pure roofline), realistic (the plan's factor; default) or refined"};
inline const OptionSpec kTermsOption{"terms", "LIST", "refined terms to use: floor,l2,waves,split,power,align (default all) or none"};
inline const OptionSpec kIdealOption{"ideal", "", "short for --mode ideal"};

} // namespace roofline::cli
