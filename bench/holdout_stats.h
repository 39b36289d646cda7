#pragma once
// |error| statistics of held-out predictions, shared by bench_holdout's tables.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace roofline::bench {

struct Errors {
    std::vector<double> abs_pct;
    void add(double pct) { abs_pct.push_back(std::fabs(pct)); }
    double mean() const
    {
        double sum = 0;
        for (double e : abs_pct)
            sum += e;
        return abs_pct.empty() ? 0 : sum / static_cast<double>(abs_pct.size());
    }
    double quantile(double q) const
    {
        if (abs_pct.empty())
            return 0;
        std::vector<double> sorted = abs_pct;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5))];
    }
    double green_pct() const
    {
        const auto green = std::count_if(abs_pct.begin(), abs_pct.end(), [](double e) { return e < 10; });
        return abs_pct.empty() ? 0 : 100.0 * static_cast<double>(green) / static_cast<double>(abs_pct.size());
    }
};

inline void print_errors(const char* label, const Errors& e)
{
    std::printf("%-34s %5zu %9.1f %9.1f %9.1f %9.0f\n", label, e.abs_pct.size(), e.mean(), e.quantile(0.5), e.quantile(0.9), e.green_pct());
}

inline void print_header(const char* first)
{
    std::printf("%-34s %5s %9s %9s %9s %9s\n", first, "rows", "mean |e|", "median", "p90", "% green");
    std::printf("%-34s %5s %9s %9s %9s %9s\n", "----------------------------------", "-----", "---------", "---------", "---------", "---------");
}

} // namespace roofline::bench
