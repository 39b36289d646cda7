#pragma once
// Statistics and bounds the core's fits and summaries share.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace roofline::detail {

// The middle value; the mean of the two middle ones for an even count; 0 for none.
inline double median(std::vector<double> values)
{
    const std::size_t n = values.size();
    if (n == 0)
        return 0;
    // A selection, not a sort: a big validation takes the median of half a million errors.
    const auto upper = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(values.begin(), upper, values.end());
    if (n % 2)
        return *upper;
    return (*std::max_element(values.begin(), upper) + *upper) / 2;
}

// Every fitted efficiency (a fraction of a peak) is held to this range: above 1 is allowed, since a datasheet
// peak can be beaten a little, but not without limit.
inline constexpr double kMinEfficiency = 0.01;
inline constexpr double kMaxEfficiency = 2.0;

} // namespace roofline::detail
