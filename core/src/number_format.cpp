#include "roofline/number_format.h"

#include "roofline/reports.h"

#include <cmath>

namespace roofline {

std::string format_significant(double value)
{
    const double magnitude = std::fabs(value);
    int decimals = 3;
    if (magnitude >= 1000)
        decimals = 0;
    else if (magnitude >= 100)
        decimals = 1;
    else if (magnitude >= 10)
        decimals = 2;
    else if (magnitude > 0 && magnitude < 0.01)
        decimals = 5;
    return format_number(value, decimals);
}

} // namespace roofline
