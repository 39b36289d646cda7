#include "candidate_race.h"

#include <chrono>

namespace rl_cuda {

RaceBook race_candidates(DeviceContext& device, int candidates, const StopPoll& stop,
                         const std::function<void(int sample)>& prepare,
                         const std::function<void(int candidate, int sample)>& timed)
{
    using Clock = std::chrono::steady_clock;
    RaceBook book(candidates);
    if (candidates <= 1)
        return book;

    SampleTimer timer(device.stream());
    const Clock::time_point begin = Clock::now();
    int sample = 0;
    for (bool over = false; !over;) {
        for (int c = 0; c < candidates; ++c) {
            if (!book.racing(c))
                continue;
            const int s = sample++;
            book.add_sample(c, timer.time_us([&] { prepare(s); }, [&] { timed(c, s); }));
        }
        over = book.end_round(std::chrono::duration<double>(Clock::now() - begin).count(), stop.requested());
    }
    return book;
}

} // namespace rl_cuda
