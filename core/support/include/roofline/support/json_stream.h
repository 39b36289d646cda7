#pragma once
// Private helpers for reading JSON that is too big to hold as one tree: events of a file read in chunks, and a
// builder that turns the events of one part (a row) back into a small tree.

#include "roofline/support/json_events.h"
#include "roofline/support/json_util.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace roofline::detail {

// Builds one value from the SAX events of that value, in order. Duplicate keys keep the last value in the first
// key's place, as nlohmann's own parser does.
class JsonTreeBuilder {
public:
    void value(nlohmann::ordered_json v) { place(std::move(v)); }
    void start(nlohmann::ordered_json container) { open_.push_back(place(std::move(container))); }
    void key(std::string name) { key_ = std::move(name); }
    void end() { open_.pop_back(); }
    // True once the value's last event has come (a scalar, or the outermost container closed).
    bool complete() const { return started_ && open_.empty(); }
    nlohmann::ordered_json take();

private:
    nlohmann::ordered_json* place(nlohmann::ordered_json v);

    nlohmann::ordered_json root_;
    std::vector<nlohmann::ordered_json*> open_;
    std::string key_;
    bool started_ = false;
};

// The events of whole values, recorded compactly in one buffer: a batch of rows crosses to another thread as one
// allocation, and its trees are built (and freed) there, by replay().
class JsonTape {
public:
    void null() { tag(Tag::Null); }
    void boolean(bool v) { tag(v ? Tag::True : Tag::False); }
    void integer(std::int64_t v) { number(Tag::Integer, v); }
    void unsigned_integer(std::uint64_t v) { number(Tag::Unsigned, v); }
    void floating(double v) { number(Tag::Float, v); }
    void string(std::string_view v) { text(Tag::String, v); }
    void key(std::string_view v) { text(Tag::Key, v); }
    void start_object() { tag(Tag::Object); }
    void start_array() { tag(Tag::Array); }
    void end() { tag(Tag::End); }

    // Builds the recorded values, one tree each in order, and hands each to `take`.
    void replay(const std::function<void(nlohmann::ordered_json)>& take) const;
    void clear() { bytes_.clear(); }

private:
    enum class Tag : char { Null, True, False, Integer, Unsigned, Float, String, Key, Object, Array, End };
    void tag(Tag t) { bytes_.push_back(static_cast<char>(t)); }
    template <class T> void number(Tag t, T v)
    {
        tag(t);
        bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void text(Tag t, std::string_view v)
    {
        number(t, v.size());
        bytes_.append(v);
    }

    std::string bytes_;
};

// The SAX handler's interface (nlohmann::json_sax) for read_json_events, which reports a syntax error by what
// it returns, never through parse_error.
class StreamSax : public JsonSax {
public:
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

// The events of one whole value, built into a tree (as nlohmann's own parser would build it).
class TreeSax : public StreamSax {
public:
    bool null() override { return value(nullptr); }
    bool boolean(bool v) override { return value(v); }
    bool number_integer(number_integer_t v) override { return value(v); }
    bool number_unsigned(number_unsigned_t v) override { return value(v); }
    bool number_float(number_float_t v, const string_t&) override { return value(v); }
    bool string(string_t& v) override { return value(std::move(v)); }
    bool binary(binary_t& v) override { return value(nlohmann::ordered_json::binary(std::move(v))); }
    bool start_object(std::size_t) override { return start(nlohmann::ordered_json::object()); }
    bool start_array(std::size_t) override { return start(nlohmann::ordered_json::array()); }
    bool key(string_t& name) override
    {
        tree_.key(std::move(name));
        return true;
    }
    bool end_object() override { return end(); }
    bool end_array() override { return end(); }
    nlohmann::ordered_json take() { return tree_.take(); }

private:
    bool value(nlohmann::ordered_json v)
    {
        tree_.value(std::move(v));
        return true;
    }
    bool start(nlohmann::ordered_json v)
    {
        tree_.start(std::move(v));
        return true;
    }
    bool end()
    {
        tree_.end();
        return true;
    }
    JsonTreeBuilder tree_;
};

// Reads a file a chunk at a time (never whole) into `sax`. A file that cannot be opened or read throws
// InputError "FILE: cannot open the file: <reason>".
JsonEventsEnd read_json_file_events(const std::filesystem::path& file, JsonSax& sax);

} // namespace roofline::detail
