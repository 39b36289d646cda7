#include "row_pipeline.h"

namespace roofline::detail {

RowPipeline::RowPipeline(std::function<void(const nlohmann::ordered_json&, std::size_t)> read)
    : read_(std::move(read)), thread_([this] { consume(); })
{
    batch_.reserve(kBatchRows);
}

RowPipeline::~RowPipeline()
{
    stop(true);
}

void RowPipeline::push(nlohmann::ordered_json row)
{
    batch_.push_back(std::move(row));
    if (batch_.size() == kBatchRows)
        flush();
}

void RowPipeline::flush()
{
    if (batch_.empty())
        return;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return queue_.size() < kMaxBatches; });
    queue_.push_back(std::move(batch_));
    lock.unlock();
    changed_.notify_all();
    batch_ = {};
    batch_.reserve(kBatchRows);
}

void RowPipeline::finish()
{
    flush();
    stop(false);
    if (error_)
        std::rethrow_exception(error_);
}

void RowPipeline::stop(bool drop)
{
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        drop_ = drop_ || drop;
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void RowPipeline::consume()
{
    std::size_t index = 0;
    for (;;) {
        std::vector<nlohmann::ordered_json> rows;
        bool drop = false;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return !queue_.empty() || closed_; });
            if (queue_.empty())
                return;
            rows = std::move(queue_.front());
            queue_.pop_front();
            drop = drop_ || error_;
        }
        changed_.notify_all();
        if (drop)
            continue; // keep emptying the queue, so that the parsing thread never waits on it for nothing
        try {
            for (const auto& row : rows)
                read_(row, index++);
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
        }
    }
}

} // namespace roofline::detail
