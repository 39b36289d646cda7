#include "roofline/support/number_format.h"

#include <cmath>
#include <cstdio>

namespace roofline {

std::string format_number(double value, int decimals)
{
    if (!std::isfinite(value))
        return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    std::string out = text;
    if (out.find('.') != std::string::npos) {
        while (out.back() == '0')
            out.pop_back();
        if (out.back() == '.')
            out.pop_back();
    }
    if (out == "-0")
        out = "0";
    return out;
}

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
