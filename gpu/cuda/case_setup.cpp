#include "case_setup.h"

#include <algorithm>

namespace rl_cuda {

CaseResult refusal(rl_status status, std::string message)
{
    CaseResult result;
    result.status = status;
    result.message = std::move(message);
    return result;
}

int cold_input_sets(uint64_t l2_bytes, uint64_t set_bytes, uint64_t fixed_bytes, uint64_t free_bytes)
{
    constexpr uint64_t kMaxInputSets = 4;
    if (set_bytes == 0)
        return 1;
    auto sets = std::clamp<uint64_t>((2 * l2_bytes + set_bytes - 1) / set_bytes, 1, kMaxInputSets);
    while (sets > 1 && fixed_bytes + sets * set_bytes > free_bytes)
        --sets;
    return static_cast<int>(sets);
}

rl_status plan_input_sets(DeviceContext& device, bool cold, uint64_t set_bytes, uint64_t fixed_bytes, int& sets,
                          std::string& reason)
{
    sets = 1;
    const rl_status fits = check_fits(device, fixed_bytes + set_bytes, reason);
    if (fits == RL_STATUS_OK && cold)
        sets = cold_input_sets(device.props().l2_bytes, set_bytes, fixed_bytes, device.free_bytes());
    return fits;
}

SampleRun warm_up_and_sample(DeviceContext& device, const SampleSettings& settings, const StopPoll& stop,
                             const std::function<void(int)>& prepare, const std::function<void(int)>& timed)
{
    constexpr int kWarmupRuns = 2;
    for (int i = 0; i < kWarmupRuns; ++i) {
        prepare(i);
        timed(i);
    }
    device.synchronize();
    return run_samples(device, settings, stop, prepare, timed);
}

std::string cache_note(const L2Flush* flush, int sets)
{
    if (!flush)
        return "warm: same inputs every sample";
    return "cold: L2 flushed (" + std::to_string(flush->bytes() >> 20) + " MiB " + flush->description()
           + ") before each sample, " + std::to_string(sets) + " rotating input set" + (sets > 1 ? "s" : "");
}

} // namespace rl_cuda
