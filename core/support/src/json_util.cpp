#include "roofline/support/json_util.h"

#include <algorithm>
#include <limits>

namespace roofline::detail {

nlohmann::ordered_json parse_json_text(std::string_view text, const std::string& source)
{
    // nlohmann's parser takes a NUL byte for the end of the text and would drop whatever follows it unsaid.
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throw syntax_error(text, source, JsonSyntaxProblem{true, nul + 1, "a NUL byte, which JSON does not allow"});
    try {
        return nlohmann::ordered_json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        throw syntax_error(text, source, syntax_problem(e));
    }
}

JsonSyntaxProblem syntax_problem(const nlohmann::json::exception& e)
{
    if (const auto* parse = dynamic_cast<const nlohmann::json::parse_error*>(&e))
        return {true, parse->byte, e.what()};
    return {false, 0, e.what()};
}

InputError syntax_error(std::string_view text, const std::string& source, const JsonSyntaxProblem& problem)
{
    std::string what = problem.what;
    if (!problem.positioned) {
        // A number too large for a double ("1e999") is refused by the parser with no position.
        if (const auto bracket = what.find("] "); bracket != std::string::npos)
            what = what.substr(bracket + 2);
        return InputError(InputLocation{source, {}, {}, {}, {}}, "not valid JSON: " + what);
    }
    // byte is 1-based and points just past the offending character.
    const std::size_t offset = problem.byte == 0 ? 0 : std::min<std::size_t>(problem.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: "; keep the reason.
    if (const auto colon = what.rfind(": "); colon != std::string::npos)
        what = what.substr(colon + 2);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        what = "the text is empty";
    return InputError(InputLocation{source, line, column, std::nullopt, {}}, "not valid JSON: " + what);
}

std::string json_type_name(const nlohmann::ordered_json& value)
{
    if (value.is_number_integer() || value.is_number_unsigned())
        return "an integer";
    if (value.is_number_float())
        return "a number";
    if (value.is_string())
        return "a string (\"" + value.get<std::string>().substr(0, 40) + "\")";
    if (value.is_boolean())
        return "a boolean";
    if (value.is_array())
        return "a list";
    if (value.is_object())
        return "an object";
    return "null";
}

static double read_number(const nlohmann::ordered_json& value, const InputLocation& where)
{
    if (!value.is_number())
        throw InputError(where, "expected a number, got " + json_type_name(value));
    const double v = value.get<double>();
    if (!std::isfinite(v))
        throw InputError(where, "expected a finite number");
    return v;
}

double read_positive_number(const nlohmann::ordered_json& value, const InputLocation& where)
{
    const double v = read_number(value, where);
    if (!(v > 0))
        throw InputError(where, "must be greater than 0, got " + value.dump());
    return v;
}

double read_non_negative_number(const nlohmann::ordered_json& value, const InputLocation& where)
{
    const double v = read_number(value, where);
    if (v < 0)
        throw InputError(where, "must not be negative, got " + value.dump());
    return v;
}

int64_t read_positive_integer(const nlohmann::ordered_json& value, const InputLocation& where)
{
    if (value.is_number_unsigned()) {
        const auto u = value.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw InputError(where, value.dump() + " does not fit in 64 bits");
        if (u == 0)
            throw InputError(where, "must be greater than 0, got 0");
        return static_cast<int64_t>(u);
    }
    if (value.is_number_integer()) {
        const auto i = value.get<int64_t>();
        if (i <= 0)
            throw InputError(where, "must be greater than 0, got " + value.dump());
        return i;
    }
    if (value.is_number_float()) {
        const double d = value.get<double>();
        // 4096.0 is fine; 4096.5, 1e30 and NaN are not.
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
            if (d <= 0)
                throw InputError(where, "must be greater than 0, got " + value.dump());
            return static_cast<int64_t>(d);
        }
        throw InputError(where, "expected a whole number, got " + value.dump());
    }
    throw InputError(where, "expected an integer, got " + json_type_name(value));
}

std::string read_string(const nlohmann::ordered_json& value, const InputLocation& where)
{
    if (!value.is_string())
        throw InputError(where, "expected a string, got " + json_type_name(value));
    return value.get<std::string>();
}

bool read_bool(const nlohmann::ordered_json& value, const InputLocation& where)
{
    if (!value.is_boolean())
        throw InputError(where, "expected true or false, got " + json_type_name(value));
    return value.get<bool>();
}

std::string join_names(const std::set<std::string>& names)
{
    std::string list;
    for (const auto& name : names)
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

} // namespace roofline::detail
