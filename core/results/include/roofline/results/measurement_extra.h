#pragma once
// Reading a row's extra fields (Measurement::extra, null in a row that has none).

#include "roofline/results/measurements.h"

#include <utility>

namespace roofline {

// The row's extra field `name` as a T, or `fallback` when the row has none.
template <class T> T extra_field(const Measurement& m, const char* name, T fallback)
{
    return m.extra.is_object() ? m.extra.value(name, std::move(fallback)) : fallback;
}

} // namespace roofline
