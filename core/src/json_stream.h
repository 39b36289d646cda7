#pragma once
// Private helpers for reading JSON that is too big to hold as one tree: SAX parsing of text or of a file read in
// chunks, and a builder that turns the events of one part (a row) back into a small tree.

#include "json_util.h"

#include <nlohmann/json.hpp>

#include <cstddef>
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

// The SAX handler's interface (nlohmann::json_sax) with parse_error kept instead of thrown: the caller learns of
// it from problem().
class RecordingSax : public nlohmann::json_sax<nlohmann::ordered_json> {
public:
    bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& ex) override;
    const std::optional<JsonSyntaxProblem>& problem() const { return problem_; }

private:
    std::optional<JsonSyntaxProblem> problem_;
};

// Feeds text, or a file read in chunks (never held whole), to `sax`. False when the parse stopped early: the
// text is not JSON (sax.problem() says why) or the handler stopped it. A file that cannot be opened or read
// throws InputError "FILE: cannot open the file: <reason>".
bool sax_parse_text(std::string_view text, RecordingSax& sax);
bool sax_parse_file(const std::filesystem::path& file, RecordingSax& sax);

} // namespace roofline::detail
