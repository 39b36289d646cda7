#include "candidate_race.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace rl_cuda {
namespace {

constexpr int kMinRounds = 3;
constexpr int kMaxRounds = 15;
constexpr double kBudgetS = 0.3; // wall time after which no round starts once kMinRounds are done
// A candidate leaves the race when its median is this far above the best: loosely after one sample, which may
// be an outlier, and tightly once there are kMinRounds.
constexpr double kFirstCut = 1.5;
constexpr double kCut = 1.15;

double median_of(std::vector<double> values)
{
    const std::size_t n = values.size();
    std::sort(values.begin(), values.end());
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string format_us(double us)
{
    char text[32];
    std::snprintf(text, sizeof(text), us < 100.0 ? "%.2f" : "%.1f", us);
    return text;
}

} // namespace

std::string RaceResult::describe(bool cold) const
{
    const int raced = static_cast<int>(median_us.size());
    if (raced == 1)
        return "the only candidate";
    std::string text = "fastest median of " + std::to_string(raced) + " raced " + (cold ? "cold" : "warm")
                       + " over " + std::to_string(rounds) + " round" + (rounds == 1 ? "" : "s") + " ("
                       + format_us(median_us[static_cast<size_t>(winner)]) + " us";
    double next = std::numeric_limits<double>::infinity();
    for (int c = 0; c < raced; ++c)
        if (c != winner)
            next = std::min(next, median_us[static_cast<size_t>(c)]);
    const double best = median_us[static_cast<size_t>(winner)];
    if (best > 0.0) {
        char gap[32];
        std::snprintf(gap, sizeof(gap), "+%.1f%%", 100.0 * (next / best - 1.0));
        text += "; next " + format_us(next) + " us, " + gap;
    }
    return text + ")";
}

RaceResult race_candidates(DeviceContext& device, int candidates, const StopPoll& stop,
                           const std::function<void(int sample)>& prepare,
                           const std::function<void(int candidate, int sample)>& timed)
{
    using Clock = std::chrono::steady_clock;
    RaceResult race;
    const auto n = static_cast<size_t>(std::max(candidates, 0));
    race.median_us.assign(n, 0.0);
    race.samples.assign(n, 0);
    if (n <= 1)
        return race;

    SampleTimer timer(device.stream());
    std::vector<std::vector<double>> times(n);
    std::vector<bool> racing(n, true);
    const Clock::time_point begin = Clock::now();
    int sample = 0;
    for (int round = 1;; ++round) {
        for (size_t c = 0; c < n; ++c) {
            if (!racing[c])
                continue;
            const int s = sample++;
            times[c].push_back(timer.time_us([&] { prepare(s); }, [&] { timed(static_cast<int>(c), s); }));
            race.median_us[c] = median_of(times[c]);
            race.samples[c] = static_cast<int>(times[c].size());
        }
        race.rounds = round;

        double best = std::numeric_limits<double>::infinity();
        for (size_t c = 0; c < n; ++c)
            if (racing[c] && race.median_us[c] < best) {
                best = race.median_us[c];
                race.winner = static_cast<int>(c);
            }
        const double cut = (round < kMinRounds ? kFirstCut : kCut) * best;
        int left = 0;
        for (size_t c = 0; c < n; ++c) {
            racing[c] = racing[c] && race.median_us[c] <= cut;
            left += racing[c] ? 1 : 0;
        }
        const double wall_s = std::chrono::duration<double>(Clock::now() - begin).count();
        if (left <= 1 || stop.requested() || round >= kMaxRounds || (round >= kMinRounds && wall_s >= kBudgetS))
            break;
    }
    return race;
}

} // namespace rl_cuda
