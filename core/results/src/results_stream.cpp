#include "results_stream.h"

#include "roofline/support/errors.h"
#include "roofline/results/step_measurements.h"

#include "roofline/support/json_stream.h"
#include "measurement_row.h"
#include "row_pipeline.h"

#include <algorithm>
#include <iterator>
#include <system_error>
#include <vector>

namespace roofline::detail {

using nlohmann::ordered_json;

namespace {

// The shortest row the reader accepts is longer than this: a bound on the rows a text of N bytes can hold.
constexpr std::size_t kMinRowBytes = 48;
// From this size on, rows are read on other threads (RowPipeline).
constexpr std::size_t kPipelineBytes = std::size_t(4) << 20;
// Rows a reader thread takes at a time.
constexpr std::size_t kBatchRows = 512;
// Reserving more rows than this would claim address space a big file's rows may never use.
constexpr std::size_t kMaxReservedRows = std::size_t(1) << 21;

// Reads the results schema from events, a row at a time: each row's events are recorded on a tape, built into
// a tree, read into a Measurement and dropped, so a file's rows never exist as one tree (a 500,000-row file as
// a tree is 16 times its size). A big file's tapes go to reader threads a batch at a time, where the trees are
// built and freed. The top-level fields other than the list are kept as trees; they are small. The same checks
// and messages as parse_measurements_tree, in the same order: a syntax error first, then the document's
// layout, then the rows.
class ResultsStream : public StreamSax {
public:
    ResultsStream(const std::string& source, std::size_t text_bytes)
    {
        set_.source = source;
        // Address space only: the pages a vector reserves are not resident until rows are written to them, and
        // a vector that grows by doubling would hold 1.5 times its rows while it moves them.
        set_.rows.reserve(std::min(text_bytes / kMinRowBytes + 1, kMaxReservedRows));
        // A small file's rows (a paste, a fuzz input) are read here, where a thread would cost more than it saves.
        if (text_bytes >= kPipelineBytes)
            pipeline_.emplace([this](const JsonTape& tape, std::size_t first) { return read_batch(tape, first); },
                              [this](ReadRows& read) { collect(read); });
    }

    bool null() override { return in_row() ? row_value([&] { tape_.null(); }) : scalar(nullptr); }
    bool boolean(bool v) override { return in_row() ? row_value([&] { tape_.boolean(v); }) : scalar(v); }
    bool number_integer(number_integer_t v) override { return in_row() ? row_value([&] { tape_.integer(v); }) : scalar(v); }
    bool number_unsigned(number_unsigned_t v) override
    {
        return in_row() ? row_value([&] { tape_.unsigned_integer(v); }) : scalar(v);
    }
    bool number_float(number_float_t v, const string_t&) override
    {
        return in_row() ? row_value([&] { tape_.floating(v); }) : scalar(v);
    }
    bool string(string_t& v) override { return in_row() ? row_value([&] { tape_.string(v); }) : scalar(std::move(v)); }
    bool binary(binary_t&) override { return false; } // never reported by read_json_events

    bool start_object(std::size_t) override
    {
        return in_row() ? row_start([&] { tape_.start_object(); }) : start(ordered_json::object());
    }
    bool start_array(std::size_t) override
    {
        return in_row() ? row_start([&] { tape_.start_array(); }) : start(ordered_json::array());
    }
    bool end_object() override { return row_depth_ > 0 ? row_end() : end(); }
    bool end_array() override { return row_depth_ > 0 ? row_end() : end(); }

    bool key(string_t& name) override
    {
        if (row_depth_ > 0) {
            tape_.key(name);
            return true;
        }
        if (building_) {
            part_.key(std::move(name));
            return true;
        }
        key_ = std::move(name);
        if (key_ == list_field_ || (key_ == "benchmarks" && list_field_ == "results")) {
            // Which list holds the rows is known only at the end: leave it to the tree reader.
            return false;
        }
        return true;
    }

    MeasurementSet finish()
    {
        if (pipeline_) {
            if (tape_rows_ > 0)
                pipeline_->push(std::move(tape_), tape_rows_);
            pipeline_->finish();
        }
        if (root_ == Root::Other)
            throw not_a_results_document(set_.source, top_);
        if (root_ == Root::Object) {
            if (list_field_.empty()) {
                const std::string field = top_.contains("benchmarks") ? "benchmarks" : top_.contains("results") ? "results" : "";
                if (field.empty())
                    throw missing_list(set_.source);
                check_list(top_[field], set_.source, field);
            }
            read_top_level(top_, list_field_, set_);
        }
        check_not_empty(rows_seen_, set_.source, list_field_.empty() ? "benchmarks" : list_field_);
        problems_.throw_if_any();
        return std::move(set_);
    }

private:
    enum class Root { Unknown, List, Object, Other };
    enum class Part { None, Row, TopField, Root };

    // What a batch of rows reads into, kept apart until it is collected in file order.
    struct ReadRows {
        std::vector<Measurement> rows;
        std::vector<StepMeasurement> steps;
        RowProblems problems;
    };

    // Where a value that starts now belongs.
    Part part_at() const
    {
        if (root_ == Root::Unknown)
            return Part::Root;
        if (in_list_ && level_ == list_level_)
            return Part::Row;
        return Part::TopField; // a value of the top-level object
    }
    bool in_row() const { return row_depth_ > 0 || (!building_ && part_at() == Part::Row); }

    template <class Record> bool row_value(Record record)
    {
        record();
        if (row_depth_ == 0)
            row_done();
        return true;
    }
    template <class Record> bool row_start(Record record)
    {
        record();
        ++row_depth_;
        return true;
    }
    bool row_end()
    {
        tape_.end();
        if (--row_depth_ == 0)
            row_done();
        return true;
    }

    // A row's last event has come: read it now, or once its batch is full, on a reader thread.
    void row_done()
    {
        ++rows_seen_;
        if (!pipeline_) {
            ReadRows read = read_batch(tape_, rows_seen_ - 1);
            collect(read);
            tape_.clear();
            return;
        }
        if (++tape_rows_ == kBatchRows) {
            pipeline_->push(std::move(tape_), tape_rows_);
            tape_ = JsonTape();
            tape_rows_ = 0;
        }
    }

    bool scalar(ordered_json v)
    {
        const Part part = building_ ? what_ : part_at();
        if (part == Part::Root) {
            root_ = Root::Other;
            top_ = std::move(v);
            return true;
        }
        part_.value(std::move(v));
        building_ = true;
        what_ = part;
        return complete();
    }

    bool start(ordered_json container)
    {
        if (building_) {
            part_.start(std::move(container));
            return true;
        }
        const Part part = part_at();
        if (part == Part::Root) {
            if (container.is_array()) {
                root_ = Root::List;
                open_list(1);
            } else {
                root_ = Root::Object;
                level_ = 1;
            }
            return true;
        }
        if (part == Part::TopField && container.is_array() && !list_started()
            && (key_ == "benchmarks" || (key_ == "results" && !top_.contains("benchmarks")))) {
            list_field_ = key_;
            open_list(2);
            return true;
        }
        part_.start(std::move(container));
        building_ = true;
        what_ = part;
        return true;
    }

    bool end()
    {
        if (building_) {
            part_.end();
            return complete();
        }
        if (in_list_ && level_ == list_level_)
            in_list_ = false;
        --level_;
        return true;
    }

    // A top-level field whose last event has come is kept.
    bool complete()
    {
        if (!part_.complete())
            return true;
        building_ = false;
        top_[key_] = part_.take();
        return true;
    }

    // On a reader thread when there is a pipeline: it touches only the set's source until collect().
    ReadRows read_batch(const JsonTape& tape, std::size_t first) const
    {
        ReadRows read;
        std::size_t index = first;
        tape.replay([&](ordered_json row) {
            try {
                if (is_step_row(row))
                    read.steps.push_back(read_step_row(row, set_.source, index));
                else
                    read.rows.push_back(read_measurement_row(row, set_.source, index));
            } catch (const InputError& e) {
                read.problems.add(e);
            }
            ++index;
        });
        return read;
    }

    // One batch at a time, in file order.
    void collect(ReadRows& read)
    {
        std::move(read.rows.begin(), read.rows.end(), std::back_inserter(set_.rows));
        std::move(read.steps.begin(), read.steps.end(), std::back_inserter(set_.steps));
        problems_.add(read.problems);
    }

    void open_list(int level)
    {
        in_list_ = true;
        list_level_ = level_ = level;
    }
    bool list_started() const { return list_level_ != 0; }

    MeasurementSet set_;
    Root root_ = Root::Unknown;
    ordered_json top_ = ordered_json::object(); // the top-level fields but the list (or a scalar root)
    std::string key_;                            // the top-level key whose value comes next
    std::string list_field_;                     // "benchmarks" or "results" once its list has started; "" for a bare list
    bool in_list_ = false;
    int level_ = 0;                              // containers open outside the part being built
    int list_level_ = 0;
    bool building_ = false;                      // a top-level field's tree is being built
    Part what_ = Part::None;
    JsonTreeBuilder part_;
    std::size_t row_depth_ = 0;                  // containers open in the row being recorded
    JsonTape tape_;                              // the rows not read yet
    std::size_t tape_rows_ = 0;
    std::size_t rows_seen_ = 0;
    RowProblems problems_;
    std::optional<RowPipeline<JsonTape, ReadRows>> pipeline_; // last: joined before the members its threads use are destroyed
};

} // namespace

std::optional<MeasurementSet> stream_measurements(std::string_view text, const std::string& source)
{
    ResultsStream stream(source, text.size());
    if (read_json_events(text, stream) != JsonEventsEnd::Complete)
        return std::nullopt;
    return stream.finish();
}

std::optional<MeasurementSet> stream_measurements_file(const std::filesystem::path& file)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    ResultsStream stream(file.string(), ec ? 0 : static_cast<std::size_t>(size));
    if (read_json_file_events(file, stream) != JsonEventsEnd::Complete)
        return std::nullopt;
    return stream.finish();
}

} // namespace roofline::detail
