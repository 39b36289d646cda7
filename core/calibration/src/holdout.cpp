#include "roofline/calibration/holdout.h"

#include "roofline/model/calculator.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace roofline {

namespace {

// Rows of one shape share this, whatever their precision and cache mode.
std::string shape_key(const Measurement& m)
{
    return std::string(to_string(m.kernel())) + " " + format_shape(m.shape);
}

} // namespace

std::pair<MeasurementSet, MeasurementSet> split_by_shape(const MeasurementSet& set)
{
    // Distinct shapes per kernel, ordered by their FLOP count in FP32.
    std::map<KernelType, std::vector<std::pair<uint64_t, std::string>>> shapes;
    std::set<std::string> seen;
    for (const auto& m : set.rows) {
        const std::string key = shape_key(m);
        if (m.status == RowStatus::Ok && seen.insert(key).second)
            shapes[m.kernel()].push_back({workload(m.shape, Precision::FP32).flops, key});
    }
    std::set<std::string> held_out;
    for (auto& [kernel, list] : shapes) {
        std::sort(list.begin(), list.end());
        for (std::size_t i = 1; i < list.size(); i += 2)
            held_out.insert(list[i].second);
    }
    MeasurementSet calibration, test;
    calibration.hardware_key = test.hardware_key = set.hardware_key;
    calibration.meta = test.meta = set.meta;
    calibration.source = set.source + " (calibration half)";
    test.source = set.source + " (held-out half)";
    for (const auto& m : set.rows) {
        if (m.status != RowStatus::Ok)
            continue;
        (held_out.count(shape_key(m)) ? test : calibration).rows.push_back(m);
    }
    return {calibration, test};
}

std::string_view to_string(ShapeClass c)
{
    switch (c) {
    case ShapeClass::L2Resident: return "L2-resident";
    case ShapeClass::Tiny: return "tiny";
    case ShapeClass::Skinny: return "skinny";
    case ShapeClass::Huge: return "huge";
    case ShapeClass::Regular: return "regular";
    }
    return "?";
}

ShapeClass shape_class(const HardwareSpec& hw, const Measurement& m)
{
    const Workload w = workload(m.shape, m.precision);
    if (m.cache_mode == "warm" && hw.l2_cache_bytes && w.bytes <= static_cast<double>(*hw.l2_cache_bytes))
        return ShapeClass::L2Resident;
    const Prediction ideal = predict(hw, m.shape, m.precision, Mode::Ideal);
    if (ideal.ideal_time_us < 10)
        return ShapeClass::Tiny;
    if (const auto* g = std::get_if<GemmShape>(&m.shape); g && std::min(g->m, g->n) <= 512)
        return ShapeClass::Skinny;
    if (w.bytes > 1e9 || static_cast<double>(w.flops) > 4e12)
        return ShapeClass::Huge;
    return ShapeClass::Regular;
}

} // namespace roofline
