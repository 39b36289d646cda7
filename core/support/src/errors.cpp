#include "roofline/support/errors.h"

namespace roofline {

std::string format_location(const InputLocation& where)
{
    std::string out = where.file;
    auto add = [&out](const std::string& part) {
        if (!out.empty())
            out += out.back() == ':' ? " " : ", ";
        out += part;
    };
    if (!out.empty())
        out += ':';
    if (where.line) {
        std::string part = "line " + std::to_string(*where.line);
        if (where.column)
            part += ", column " + std::to_string(*where.column);
        add(part);
    }
    if (where.row)
        add("row " + std::to_string(*where.row));
    if (!where.field.empty())
        add("field '" + where.field + "'");
    if (!out.empty() && out.back() == ':')
        out.pop_back();
    return out;
}

static std::string join(const InputLocation& where, const std::string& problem)
{
    const std::string at = format_location(where);
    return at.empty() ? problem : at + ": " + problem;
}

InputError::InputError(InputLocation where, const std::string& problem)
    : std::runtime_error(join(where, problem)), where_(std::move(where)), problem_(problem)
{
}

InputError::InputError(const std::string& problem) : std::runtime_error(problem), problem_(problem) {}

} // namespace roofline
