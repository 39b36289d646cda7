#pragma once
// Private: reads the fields of one config.json object; errors name the file and the field with its prefix
// ("text_config.").

#include "roofline/support/json_util.h"
#include "roofline/support/errors.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace roofline::detail {

using nlohmann::ordered_json;

class Fields {
public:
    Fields(const ordered_json& object, std::string source, std::string prefix)
        : object_(object), source_(std::move(source)), prefix_(std::move(prefix))
    {
    }

    InputLocation at(std::string_view name) const
    {
        return InputLocation{source_, {}, {}, {}, prefix_ + std::string(name)};
    }

    // Absent and null read the same: Mistral writes "sliding_window": null for "none".
    const ordered_json* find(std::string_view name) const
    {
        const auto it = object_.find(std::string(name));
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }

    bool has(std::string_view name) const { return find(name) != nullptr; }

    int64_t positive(std::string_view name) const
    {
        const ordered_json* value = find(name);
        if (!value)
            throw InputError(at(name), "missing; the model needs it");
        return read_positive_integer(*value, at(name));
    }

    std::optional<int64_t> optional_positive(std::string_view name) const
    {
        const ordered_json* value = find(name);
        if (!value)
            return std::nullopt;
        return read_positive_integer(*value, at(name));
    }

    int64_t positive_or(std::string_view name, std::optional<int64_t> fallback) const
    {
        if (!has(name) && fallback)
            return *fallback;
        return positive(name);
    }

    // 0 allowed: "no shared expert".
    int64_t count_or(std::string_view name, int64_t fallback) const
    {
        const ordered_json* value = find(name);
        if (!value)
            return fallback;
        if (value->is_number_integer() && value->get<int64_t>() < 0)
            throw InputError(at(name), "must not be negative, got " + value->dump());
        if (value->is_number_integer() && value->get<int64_t>() == 0)
            return 0;
        return read_positive_integer(*value, at(name));
    }

    bool flag_or(std::string_view name, bool fallback) const
    {
        const ordered_json* value = find(name);
        return value ? read_bool(*value, at(name)) : fallback;
    }

    std::string string_or(std::string_view name, std::string fallback) const
    {
        const ordered_json* value = find(name);
        return value ? read_string(*value, at(name)) : fallback;
    }

    const std::string& source() const { return source_; }

private:
    const ordered_json& object_;
    std::string source_;
    std::string prefix_;
};

} // namespace roofline::detail
