#pragma once
// Hands batches of rows from the thread that parses a big file to reader threads, and gives what they read
// back in file order: a big results file then takes about the longer of parsing and row reading spread over
// the machine's cores, not their sum.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace roofline::detail {

template <class Rows, class Result> class RowPipeline {
public:
    // `read(rows, first_index)` runs on a reader thread, batches in any order and at once on several threads;
    // `collect(result)` gets each batch's result in file order, one at a time.
    RowPipeline(std::function<Result(const Rows&, std::size_t)> read, std::function<void(Result&)> collect)
        : read_(std::move(read)), collect_(std::move(collect))
    {
        const unsigned readers = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxReaders);
        for (unsigned i = 0; i < readers; ++i)
            readers_.emplace_back([this] { consume(); });
    }
    ~RowPipeline() { stop(true); } // an unfinished pipeline drops what it has not read yet
    RowPipeline(const RowPipeline&) = delete;
    RowPipeline& operator=(const RowPipeline&) = delete;

    // A batch of `count` rows, the ones after those pushed before. Waits while the readers are far behind.
    void push(Rows rows, std::size_t count)
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return queue_.size() < kMaxBatches; });
        queue_.push_back(Batch{batches_++, rows_pushed_, std::move(rows)});
        lock.unlock();
        changed_.notify_all();
        rows_pushed_ += count;
    }

    // Waits until every row pushed is read and collected; rethrows what `read` or `collect` threw, if anything.
    void finish()
    {
        stop(false);
        if (error_)
            std::rethrow_exception(error_);
    }

private:
    struct Batch {
        std::size_t number = 0;
        std::size_t first_row = 0;
        Rows rows;
    };

    static constexpr std::size_t kMaxBatches = 8; // bounds the rows in flight: memory stays that of a few batches
    static constexpr unsigned kMaxReaders = 4;    // more than the parsing thread can keep busy

    void stop(bool drop)
    {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
            drop_ = drop_ || drop;
        }
        changed_.notify_all();
        for (auto& reader : readers_) {
            if (reader.joinable())
                reader.join();
        }
    }

    void consume()
    {
        for (;;) {
            Batch batch;
            bool drop = false;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [this] { return !queue_.empty() || closed_; });
                if (queue_.empty())
                    return;
                batch = std::move(queue_.front());
                queue_.pop_front();
                drop = drop_ || error_;
            }
            changed_.notify_all();
            if (drop)
                continue; // keep emptying the queue, so that the parsing thread never waits on it for nothing
            try {
                Result result = read_(batch.rows, batch.first_row);
                batch.rows = {}; // freed here, not while the lock is held
                deliver(batch.number, std::move(result));
            } catch (...) {
                std::lock_guard lock(mutex_);
                if (!error_)
                    error_ = std::current_exception();
            }
        }
    }

    // Parks a result until the ones before it are collected, then collects every result that is next in order.
    void deliver(std::size_t number, Result result)
    {
        std::lock_guard lock(mutex_);
        done_.emplace(number, std::move(result));
        while (!done_.empty() && done_.begin()->first == next_collected_) {
            if (!error_)
                collect_(done_.begin()->second);
            done_.erase(done_.begin());
            ++next_collected_;
        }
    }

    std::function<Result(const Rows&, std::size_t)> read_;
    std::function<void(Result&)> collect_;
    std::size_t batches_ = 0;
    std::size_t rows_pushed_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> queue_;
    std::map<std::size_t, Result> done_;
    std::size_t next_collected_ = 0;
    bool closed_ = false;
    bool drop_ = false;
    std::exception_ptr error_;
    std::vector<std::thread> readers_; // last: joined before the members their threads use are destroyed
};

} // namespace roofline::detail
