#include "roofline/measurements.h"

#include "roofline/errors.h"
#include "roofline/kernel_case.h"
#include "roofline/llama_bench.h"
#include "roofline/version.h"

#include "json_stream.h"
#include "json_util.h"
#include "measurement_row.h"
#include "row_pipeline.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <array>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

// The reader over a whole tree: for the layouts the stream leaves to it (a "results" list followed by a
// "benchmarks" one, a list given twice), where which list holds the rows is known only at the end.
MeasurementSet parse_measurements_tree(ordered_json doc, const std::string& source)
{
    MeasurementSet set;
    set.source = source;

    ordered_json* list = nullptr;
    std::string list_field = "benchmarks";
    if (doc.is_array()) {
        list = &doc;
    } else if (doc.is_object()) {
        if (!doc.contains("benchmarks") && doc.contains("results"))
            list_field = "results";
        if (!doc.contains(list_field))
            throw missing_list(source);
        list = &doc[list_field];
        check_list(*list, source, list_field);
        read_top_level(doc, list_field, set);
    } else {
        throw not_a_results_document(source, doc);
    }
    check_not_empty(list->size(), source, list_field);

    RowProblems problems;
    set.rows.reserve(list->size());
    for (std::size_t row = 0; row < list->size(); ++row) {
        try {
            if (is_step_row((*list)[row]))
                set.steps.push_back(read_step_row((*list)[row], source, row));
            else
                set.rows.push_back(read_measurement_row((*list)[row], source, row));
        } catch (const InputError& e) {
            problems.add(e);
        }
        // Free each row's tree once read: the file then never holds the tree and the rows at once.
        (*list)[row] = nullptr;
    }
    problems.throw_if_any();
    return set;
}

// The shortest row the reader accepts is longer than this: a bound on the rows a text of N bytes can hold.
constexpr std::size_t kMinRowBytes = 48;
// From this size on, rows are read on a second thread (RowPipeline).
constexpr std::size_t kPipelineBytes = std::size_t(4) << 20;
// Reserving more rows than this would claim address space a big file's rows may never use.
constexpr std::size_t kMaxReservedRows = std::size_t(1) << 21;

// Reads the results schema from SAX events, one row at a time: each row's tree is built, read into a
// Measurement and dropped, so a file's rows never exist as one tree (a 500,000-row file as a tree is 16 times
// its size). The top-level fields other than the list are kept as trees; they are small. The same checks and
// messages as parse_measurements_tree, in the same order: a syntax error first, then the document's layout,
// then the rows.
class ResultsStream : public RecordingSax {
public:
    ResultsStream(const std::string& source, std::size_t text_bytes)
    {
        set_.source = source;
        // Address space only: the pages a vector reserves are not resident until rows are written to them, and
        // a vector that grows by doubling would hold 1.5 times its rows while it moves them.
        set_.rows.reserve(std::min(text_bytes / kMinRowBytes + 1, kMaxReservedRows));
        // A big file's rows are read on a second thread while this one parses; a small one's (a paste, a fuzz
        // input) here, where a thread would cost more than it saves.
        if (text_bytes >= kPipelineBytes)
            pipeline_.emplace([this](const ordered_json& row, std::size_t index) { read_one(row, index); });
    }

    bool null() override { return scalar(nullptr); }
    bool boolean(bool v) override { return scalar(v); }
    bool number_integer(number_integer_t v) override { return scalar(v); }
    bool number_unsigned(number_unsigned_t v) override { return scalar(v); }
    bool number_float(number_float_t v, const string_t&) override { return scalar(v); }
    bool string(string_t& v) override { return scalar(std::move(v)); }
    bool binary(binary_t& v) override { return scalar(ordered_json::binary(std::move(v))); }

    bool start_object(std::size_t) override { return start(ordered_json::object()); }
    bool start_array(std::size_t) override { return start(ordered_json::array()); }
    bool end_object() override { return end(); }
    bool end_array() override { return end(); }

    bool key(string_t& name) override
    {
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
        if (pipeline_)
            pipeline_->finish();
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

    // Where a value that starts now belongs.
    Part part_at() const
    {
        if (root_ == Root::Unknown)
            return Part::Root;
        if (in_list_ && level_ == list_level_)
            return Part::Row;
        return Part::TopField; // a value of the top-level object
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

    // A part whose last event has come: a row is read, a top-level field kept.
    bool complete()
    {
        if (!part_.complete())
            return true;
        building_ = false;
        if (what_ == Part::Row) {
            if (pipeline_)
                pipeline_->push(part_.take());
            else
                read_one(part_.take(), rows_seen_);
            ++rows_seen_;
        } else {
            top_[key_] = part_.take();
        }
        return true;
    }

    // On the pipeline's thread when there is one: it alone touches the rows and their problems until finish().
    void read_one(const ordered_json& row, std::size_t index)
    {
        try {
            if (is_step_row(row))
                set_.steps.push_back(read_step_row(row, set_.source, index));
            else
                set_.rows.push_back(read_measurement_row(row, set_.source, index));
        } catch (const InputError& e) {
            problems_.add(e);
        }
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
    bool building_ = false;
    Part what_ = Part::None;
    JsonTreeBuilder part_;
    std::size_t rows_seen_ = 0;
    RowProblems problems_;
    std::optional<RowPipeline> pipeline_; // last: joined before the members its thread uses are destroyed
};

} // namespace

std::string_view to_string(RowStatus s)
{
    switch (s) {
    case RowStatus::Ok: return "ok";
    case RowStatus::Unsupported: return "unsupported";
    case RowStatus::Skipped: return "skipped";
    case RowStatus::Failed: return "failed";
    case RowStatus::WrongResult: return "wrong_result";
    case RowStatus::Cancelled: return "cancelled";
    }
    return "?";
}

std::optional<RowStatus> parse_row_status(std::string_view text)
{
    for (RowStatus s : {RowStatus::Ok, RowStatus::Unsupported, RowStatus::Skipped, RowStatus::Failed,
                        RowStatus::WrongResult, RowStatus::Cancelled}) {
        if (text == to_string(s))
            return s;
    }
    return std::nullopt;
}

MeasurementSet parse_measurements(std::string_view text, const std::string& source)
{
    if (looks_like_llama_bench(text))
        return parse_llama_bench(text, source);
    ResultsStream stream(source, text.size());
    if (sax_parse_text(text, stream))
        return stream.finish();
    if (const auto& problem = stream.problem())
        throw syntax_error(text, source, *problem);
    return parse_measurements_tree(parse_json_text(text, source), source);
}

std::string read_text_file(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}},
                         std::string("cannot open the file: ") + std::strerror(errno));
    // One read into a string of the right size: no second copy of a large file.
    std::string text(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

namespace {

// Whether a file's first bytes look like llama-bench's output (JSON or JSONL): those go to the text reader.
bool starts_like_llama_bench(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head.find("avg_") != std::string::npos
        && (head.find("\"n_prompt\"") != std::string::npos || head.find("\"n_gen\"") != std::string::npos);
}

} // namespace

MeasurementSet load_measurements(const std::filesystem::path& file)
{
    if (starts_like_llama_bench(file))
        return parse_measurements(read_text_file(file), file.string());
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    ResultsStream stream(file.string(), ec ? 0 : static_cast<std::size_t>(size));
    if (sax_parse_file(file, stream))
        return stream.finish();
    // Not JSON, or a layout the stream leaves to the tree reader: read the text whole, which locates a syntax
    // error by line and column. Only bad or unusual files take this path.
    return parse_measurements(read_text_file(file), file.string());
}

ordered_json measurement_to_json(const Measurement& m)
{
    ordered_json row;
    write_case_json(row, m.shape, m.precision);
    if (m.status != RowStatus::Ok) {
        row["status"] = std::string(to_string(m.status));
        row["reason"] = m.reason;
    }
    if (m.measured_time_us > 0) {
        row["measured_time_us"] = m.measured_time_us;
        row["measured_tflops"] = m.measured_tflops;
        row["measured_bandwidth_gb_s"] = m.measured_bandwidth_gb_s;
    }
    row["ai"] = m.ai;
    if (!m.cache_mode.empty())
        row["cache_mode"] = m.cache_mode;
    if (const auto config = gemm_config_json(m.gemm_config))
        row["gemm_config"] = *config;
    for (const auto& [field, value] : m.extra.items())
        row[field] = value;
    return row;
}

MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets)
{
    MeasurementSet merged;
    for (const auto& set : sets) {
        if (merged.hardware_key.empty())
            merged.hardware_key = set.hardware_key;
        if (merged.meta.empty())
            merged.meta = set.meta;
        merged.source += (merged.source.empty() ? "" : ", ") + set.source;
        for (const auto& row : set.rows) {
            merged.rows.push_back(row);
            merged.rows.back().row_index = merged.rows.size() - 1;
        }
        for (const auto& step : set.steps) {
            merged.steps.push_back(step);
            merged.steps.back().row_index = merged.rows.size() + merged.steps.size() - 1;
        }
    }
    return merged;
}

std::string utc_timestamp_now()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

ordered_json make_meta(const ordered_json& device)
{
    ordered_json meta;
    meta["schema_version"] = kMeasurementSchemaVersion;
    meta["tool"] = kToolName;
    meta["tool_version"] = kVersion;
    meta["device"] = device;
    meta["timestamp"] = utc_timestamp_now();
    return meta;
}

std::string measurements_to_json(const MeasurementSet& set, int indent)
{
    ordered_json doc;
    doc["meta"] = set.meta.empty() ? make_meta() : set.meta;
    doc["hardware_key"] = set.hardware_key;
    ordered_json rows = ordered_json::array();
    for (const auto& m : set.rows)
        rows.push_back(measurement_to_json(m));
    for (const auto& m : set.steps)
        rows.push_back(step_measurement_to_json(m));
    doc["benchmarks"] = rows;
    for (const auto& [field, value] : set.extra.items())
        doc[field] = value;
    return doc.dump(indent) + "\n";
}

} // namespace roofline
