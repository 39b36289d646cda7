#pragma once

#include <string>

namespace roofline {

// Number formatting shared by the CLI table and the app: 3 significant decimals without noise.
std::string format_number(double value, int decimals = 3);

// About four significant digits whatever the size: 0.00123, 4.332, 25.5, 756.5, 6751. The app's tables and the
// summary of a fit (profile_store.h) read the same.
std::string format_significant(double value);

} // namespace roofline
