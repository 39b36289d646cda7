#pragma once

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/results/measurements.h"
#include "roofline/plugin_host/plugin_loader.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

namespace roofline {

struct CaseOutcome {
    std::size_t index = 0;        // position in the plan
    std::size_t total = 0;        // cases in the plan
    BenchCase bench_case;
    Measurement measurement;      // status, reason, median time and the sample statistics in `extra`
};

struct RunCallbacks {
    std::function<void(std::size_t index, std::size_t total, const BenchCase&)> case_started;
    std::function<void(const CaseOutcome&)> case_finished;
    // Polled between cases: true ends the run there (the CLI's first Ctrl-C), unlike `stop`, which also
    // ends the case in progress after its current sample.
    std::function<bool()> stop_before_next_case;
};

// Runs a plan on an open device, one case after another on the calling thread, and saves the run file after
// every finished case (written to a temporary file and renamed into place, so the file on disk is always a
// whole, valid results JSON). Setting `stop` ends the run after the current sample: the case in progress is
// kept as "cancelled" with what it measured, the cases not started are left out.
class BenchRunner {
public:
    BenchRunner(Device& device, BenchPlan plan, std::string hardware_key, std::filesystem::path output_file = {});

    MeasurementSet run(const std::atomic<bool>& stop, const RunCallbacks& callbacks = {});

    const BenchPlan& plan() const { return plan_; }
    const std::filesystem::path& output_file() const { return output_file_; }

private:
    Measurement run_case(const BenchCase& c, const std::atomic<bool>& stop);

    Device& device_;
    BenchPlan plan_;
    std::string hardware_key_;
    std::filesystem::path output_file_;
};

// cudnnGetVersion()'s number as text: 91400 -> "9.14.0" (cuDNN 9 counts major·10000 + minor·100 + patch, cuDNN 8
// major·1000 + minor·100 + patch).
std::string cudnn_version_text(int32_t version);

// A new, empty file in user_data_dir()/runs: "run-20261124-101500-cuda.json" (the folder is created; the name is
// taken exclusively, so two instances never share one). Throws InputError when the folder cannot be written.
std::filesystem::path new_run_file(std::string_view plugin_name);

} // namespace roofline
