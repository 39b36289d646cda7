#include "race_book.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace rl_cuda {
namespace {

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

RaceBook::RaceBook(int candidates)
    : times_us_(static_cast<size_t>(std::max(candidates, 0))),
      median_us_(times_us_.size(), 0.0),
      racing_(times_us_.size(), true)
{
}

void RaceBook::add_sample(int candidate, double time_us)
{
    auto& times = times_us_[static_cast<size_t>(candidate)];
    times.push_back(time_us);
    median_us_[static_cast<size_t>(candidate)] = median_of(times);
}

bool RaceBook::end_round(double wall_s, bool stop_requested)
{
    ++rounds_;
    double best = std::numeric_limits<double>::infinity();
    for (int c = 0; c < candidates(); ++c)
        if (racing(c) && samples(c) > 0 && median_us(c) < best) {
            best = median_us(c);
            winner_ = c;
        }
    const double cut = (rounds_ < kMinRounds ? kFirstCut : kCut) * best;
    int left = 0;
    for (int c = 0; c < candidates(); ++c) {
        racing_[static_cast<size_t>(c)] = racing(c) && median_us(c) <= cut;
        left += racing(c) ? 1 : 0;
    }
    return left <= 1 || stop_requested || rounds_ >= kMaxRounds || (rounds_ >= kMinRounds && wall_s >= kBudgetS);
}

std::string RaceBook::describe(bool cold) const
{
    if (candidates() <= 1)
        return "the only candidate";
    const double best = median_us(winner_);
    std::string text = "fastest median of " + std::to_string(candidates()) + " raced " + (cold ? "cold" : "warm")
                       + " over " + std::to_string(rounds_) + " round" + (rounds_ == 1 ? "" : "s") + " ("
                       + format_us(best) + " us";
    double next = std::numeric_limits<double>::infinity();
    for (int c = 0; c < candidates(); ++c)
        if (c != winner_ && samples(c) > 0)
            next = std::min(next, median_us(c));
    if (best > 0.0 && next < std::numeric_limits<double>::infinity()) {
        char gap[32];
        std::snprintf(gap, sizeof(gap), "+%.1f%%", 100.0 * (next / best - 1.0));
        text += "; next " + format_us(next) + " us, " + gap;
    }
    return text + ")";
}

} // namespace rl_cuda
