#pragma once

#include <string>

namespace roofline {

// About four significant digits whatever the size: 0.00123, 4.332, 25.5, 756.5, 6751. The app's tables and the
// summary of a fit (profile_store.h) read the same.
std::string format_significant(double value);

} // namespace roofline
