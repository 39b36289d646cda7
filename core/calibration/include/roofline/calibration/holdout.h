#pragma once
// Held-out evaluation of a calibration: rows split by shape, so that a profile is judged on shapes it never saw,
// and the classes of shapes its error is reported for.

#include "roofline/model/hardware.h"
#include "roofline/results/measurements.h"

#include <string_view>
#include <utility>

namespace roofline {

// Splits the OK rows by shape, so that no shape of the held-out set is seen in calibration: the distinct
// shapes of each kernel, ordered by FLOP count, go alternately to calibration and held-out.
std::pair<MeasurementSet, MeasurementSet> split_by_shape(const MeasurementSet& set);

// The classes of shapes the held-out error is reported for.
enum class ShapeClass { L2Resident, Tiny, Skinny, Huge, Regular };
std::string_view to_string(ShapeClass c);
ShapeClass shape_class(const HardwareSpec& hw, const Measurement& m);

} // namespace roofline
