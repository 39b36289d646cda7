#pragma once
// The results reader for files of any size: the schema read from the events of read_json_events, a row at a
// time, never the whole file as one tree (measurements.cpp reads the layouts it leaves, and bad texts).

#include "roofline/results/measurements.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace roofline::detail {

// The set, or nothing when the text is not JSON (the tree reader then says where) or has a layout the stream
// leaves to the tree reader: a "results" list followed by a "benchmarks" one, a list given twice. Throws the
// InputError of a bad row or layout.
std::optional<MeasurementSet> stream_measurements(std::string_view text, const std::string& source);
// The same of a file read a chunk at a time; throws InputError when it cannot be read.
std::optional<MeasurementSet> stream_measurements_file(const std::filesystem::path& file);

} // namespace roofline::detail
