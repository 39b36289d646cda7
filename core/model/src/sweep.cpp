#include "roofline/model/sweep.h"

#include "roofline/support/errors.h"

#include <algorithm>
#include <cmath>

namespace roofline {

std::vector<int64_t> log_spaced_values(int64_t from, int64_t to, int count)
{
    const double first = static_cast<double>(from);
    const double last = static_cast<double>(std::max(to, from));
    std::vector<int64_t> values;
    for (int i = 0; i < std::max(count, 1); ++i) {
        const double t = count > 1 ? static_cast<double>(i) / (count - 1) : 0;
        const auto value = static_cast<int64_t>(std::llround(first * std::pow(last / first, t)));
        if (values.empty() || values.back() != value)
            values.push_back(value);
    }
    return values;
}

Sweep sweep_dimension(const HardwareSpec& hw, KernelType kernel, std::vector<int64_t> dims, bool flag, std::size_t dim,
                      const std::vector<int64_t>& values, Precision precision, ModelOptions options)
{
    options.explain = false;
    Sweep sweep;
    for (int64_t value : values) {
        dims.at(dim) = value;
        try {
            const KernelShape shape = make_shape(kernel, dims, flag);
            sweep.points.push_back({shape, predict(hw, shape, precision, options)});
        } catch (const InputError& e) {
            sweep.error = e.what();
            break;
        }
    }
    return sweep;
}

} // namespace roofline
