#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace roofline::cli {

// A plain-text table with a header rule; columns listed in `right_aligned` are numbers.
void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned);

} // namespace roofline::cli
