#pragma once
// Statistics and bounds the core's fits and summaries share.

#include <algorithm>
#include <vector>

namespace roofline::detail {

// The middle value; the mean of the two middle ones for an even count. `values` must not be empty.
inline double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Every fitted efficiency (a fraction of a peak) is held to this range: above 1 is allowed, since a datasheet
// peak can be beaten a little, but not without limit.
inline constexpr double kMinEfficiency = 0.01;
inline constexpr double kMaxEfficiency = 2.0;

} // namespace roofline::detail
