#pragma once
// The bookkeeping of an algorithm race (candidate_race.h), apart from the GPU so it can be tested anywhere: each
// candidate's samples and median, which candidates are still racing, when the race ends, and who won.

#include <string>
#include <vector>

namespace rl_cuda {

class RaceBook {
public:
    static constexpr int kMinRounds = 3;
    static constexpr int kMaxRounds = 15;
    static constexpr double kBudgetS = 0.3; // wall time after which no round starts once kMinRounds are done
    // A candidate leaves the race when its median is this far above the best: loosely after one sample, which
    // may be an outlier, and tightly once there are kMinRounds.
    static constexpr double kFirstCut = 1.5;
    static constexpr double kCut = 1.15;

    explicit RaceBook(int candidates);

    int candidates() const { return static_cast<int>(median_us_.size()); }
    bool racing(int candidate) const { return racing_[static_cast<size_t>(candidate)]; }
    void add_sample(int candidate, double time_us);
    // Closes a round: candidates far behind the best leave. True when the race is over: one candidate left,
    // kMaxRounds run, kBudgetS spent after kMinRounds, or a stop requested.
    bool end_round(double wall_s, bool stop_requested);

    int winner() const { return winner_; }
    int rounds() const { return rounds_; }
    double median_us(int candidate) const { return median_us_[static_cast<size_t>(candidate)]; }
    int samples(int candidate) const { return static_cast<int>(times_us_[static_cast<size_t>(candidate)].size()); }
    // "fastest median of 9 raced cold over 11 rounds (5.91 us; next 6.20 us, +4.9%)"
    std::string describe(bool cold) const;

private:
    std::vector<std::vector<double>> times_us_;
    std::vector<double> median_us_;
    std::vector<bool> racing_;
    int winner_ = 0;
    int rounds_ = 0;
};

} // namespace rl_cuda
