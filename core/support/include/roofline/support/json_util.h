#pragma once
// Private helpers for reading user JSON with errors that say where.

#include "roofline/support/errors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <string>
#include <string_view>

namespace roofline::detail {

// Parses text; a syntax error becomes an InputError with the line and column of the offending byte. A NUL byte
// is refused there (nlohmann's parser would end the text at it).
nlohmann::ordered_json parse_json_text(std::string_view text, const std::string& source);

// Why nlohmann refused a text, as its parser reports it.
struct JsonSyntaxProblem {
    bool positioned = false; // a parse_error with a byte offset (else: a number out of range, no position)
    std::size_t byte = 0;    // 1-based, just past the offending character
    std::string what;        // nlohmann's message
};
JsonSyntaxProblem syntax_problem(const nlohmann::json::exception& e);
// The error parse_json_text throws for that problem: "SOURCE: line L, column C: not valid JSON: <reason>".
InputError syntax_error(std::string_view text, const std::string& source, const JsonSyntaxProblem& problem);

std::string json_type_name(const nlohmann::ordered_json& value);

// Field readers: throw InputError at `where` (field filled in) when the value has the wrong type or range.
double read_positive_number(const nlohmann::ordered_json& value, const InputLocation& where);
double read_non_negative_number(const nlohmann::ordered_json& value, const InputLocation& where);
int64_t read_positive_integer(const nlohmann::ordered_json& value, const InputLocation& where);
std::string read_string(const nlohmann::ordered_json& value, const InputLocation& where);
bool read_bool(const nlohmann::ordered_json& value, const InputLocation& where);

// "a, b, c": the known field names an "unknown field" error lists.
std::string join_names(const std::set<std::string>& names);

} // namespace roofline::detail
