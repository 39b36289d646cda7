#pragma once
// The host's side of a plugin run out of process: starts roofline-worker, opens a device in it and forwards
// cases over the socket (roofline/worker_protocol.h). A worker that crashes, hangs past a case's deadline or
// talks garbage costs that case only: the case comes back FAILED saying what happened, and the next call starts
// a new worker. Roofline::Device wraps this; BenchRunner never sees the difference.

#include "roofline/abi/plugin_abi.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace roofline {

struct WorkerOptions {
    std::filesystem::path worker;          // the roofline-worker executable; empty: find_worker()
    // A case's deadline: this many times its time budget, and never less than the floor (a GEMM's race of
    // algorithms, the warm-up and the check against the reference come on top of the budget).
    double deadline_budget_multiple = 10.0;
    double deadline_floor_s = 60.0;
    double open_timeout_s = 120.0;         // starting the worker and opening the device; each Supports too
    double stop_grace_s = 5.0;             // after a stop, how long the plugin may take to end its sample
    bool forward_output = true;            // copy the worker's stdout and stderr to this process's stderr
};

// $ROOFLINE_LAB_WORKER, else roofline-worker beside the running executable, else in each plugin_search_dirs()
// directory. Throws PluginError(NotFound) naming every place it looked.
std::filesystem::path find_worker();

class WorkerClient {
public:
    // Starts a worker and opens device `index` of `plugin_file` in it. Throws PluginError: the plugin's own
    // (NotFound, NotAPlugin, NoDevice, …), or Failed when the worker cannot be started or dies opening it.
    WorkerClient(std::filesystem::path plugin_file, int index, WorkerOptions options = {});
    ~WorkerClient();
    WorkerClient(const WorkerClient&) = delete;
    WorkerClient& operator=(const WorkerClient&) = delete;

    const rl_device_info& device_info() const { return info_; }
    const std::string& plugin_name() const { return plugin_name_; }
    const std::string& plugin_version() const { return plugin_version_; }
    const std::filesystem::path& plugin_path() const { return plugin_path_; }

    rl_status supports(const rl_case& c, std::string& reason);
    // The plugin's result; FAILED with what happened when the worker died, timed out ("timed out: …") or sent
    // garbage; CANCELLED when it ignored a stop for stop_grace_s and was killed.
    rl_result run(const rl_case& c, const std::function<bool()>& should_stop);

    // Workers started after the first one (each after a crash, a timeout or garbage).
    int restarts() const { return restarts_; }
    pid_t pid() const; // the worker's, 0 when none runs

private:
    struct Process;
    using Clock = std::chrono::steady_clock;

    void start();        // a worker with the device open, or throws PluginError
    void ensure_started(); // after a failure: a new worker (throws PluginError)
    void stop_worker();  // Quit, a moment to exit, then SIGKILL
    struct Reply;
    Reply await(int expected_type, double timeout_s, const std::function<bool()>* should_stop,
                const std::string& timeout_note = {});
    bool send_request(int type, const std::vector<unsigned char>& payload);
    std::string kill_and_describe(const std::string& what, bool kill_now);

    std::filesystem::path plugin_file_;
    int index_;
    WorkerOptions options_;
    std::filesystem::path worker_path_;
    std::unique_ptr<Process> process_;
    rl_device_info info_{};
    std::string plugin_name_, plugin_version_;
    std::filesystem::path plugin_path_;
    int restarts_ = 0;
};

} // namespace roofline
