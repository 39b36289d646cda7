#pragma once
// Private helpers for reading user JSON with errors that say where.

#include "roofline/errors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <string>
#include <string_view>

namespace roofline::detail {

// Parses text; a syntax error becomes an InputError with the line and column of the offending byte.
nlohmann::ordered_json parse_json_text(std::string_view text, const std::string& source);

std::string json_type_name(const nlohmann::ordered_json& value);

// Field readers: throw InputError at `where` (field filled in) when the value has the wrong type or range.
double read_positive_number(const nlohmann::ordered_json& value, InputLocation where);
double read_non_negative_number(const nlohmann::ordered_json& value, InputLocation where);
int64_t read_positive_integer(const nlohmann::ordered_json& value, InputLocation where);
std::string read_string(const nlohmann::ordered_json& value, InputLocation where);
bool read_bool(const nlohmann::ordered_json& value, InputLocation where);

// "a, b, c": the known field names an "unknown field" error lists.
std::string join_names(const std::set<std::string>& names);

} // namespace roofline::detail
