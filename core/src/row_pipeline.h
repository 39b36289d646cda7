#pragma once
// Hands rows (small JSON trees) from the thread that parses a big file to a second thread that reads them, in
// order: on two cores a big results file then takes the longer of parsing and row reading, not their sum.

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace roofline::detail {

class RowPipeline {
public:
    // `read(row, index)` runs on the second thread, once per row, in the order of push().
    explicit RowPipeline(std::function<void(const nlohmann::ordered_json&, std::size_t)> read);
    ~RowPipeline(); // an unfinished pipeline drops what it has not read yet
    RowPipeline(const RowPipeline&) = delete;
    RowPipeline& operator=(const RowPipeline&) = delete;

    void push(nlohmann::ordered_json row);
    // Waits until every row pushed is read; rethrows what `read` threw, if anything.
    void finish();

private:
    void flush();
    void stop(bool drop);
    void consume();

    static constexpr std::size_t kBatchRows = 512;
    static constexpr std::size_t kMaxBatches = 8; // bounds the rows in flight: memory stays that of a few rows

    std::function<void(const nlohmann::ordered_json&, std::size_t)> read_;
    std::vector<nlohmann::ordered_json> batch_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<nlohmann::ordered_json>> queue_;
    bool closed_ = false;
    bool drop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

} // namespace roofline::detail
