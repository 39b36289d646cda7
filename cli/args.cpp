#include "args.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace roofline::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const
{
    const auto it = values_.find(name);
    return it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string ParsedArgs::required(const std::string& name) const
{
    if (auto v = value(name))
        return *v;
    throw UsageError("--" + name + " is required");
}

ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args)
{
    ParsedArgs parsed;
    auto find = [&spec](const std::string& name) -> const OptionSpec* {
        const auto it = std::find_if(spec.options.begin(), spec.options.end(), [&](const OptionSpec& o) { return o.name == name; });
        return it == spec.options.end() ? nullptr : &*it;
    };
    bool only_positionals = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (only_positionals || arg.size() < 2 || arg[0] != '-') {
            parsed.positionals_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positionals = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            parsed.help_ = true;
            continue;
        }
        if (arg == "-o" && find("out")) {
            if (i + 1 >= args.size())
                throw UsageError("-o needs a value (FILE)");
            parsed.values_["out"] = args[++i];
            continue;
        }
        if (arg.rfind("--", 0) != 0)
            throw UsageError("unknown option '" + arg + "'");
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        const OptionSpec* option = find(name);
        if (!option)
            throw UsageError("unknown option '--" + name + "'");
        if (option->value_name.empty()) {
            if (inline_value)
                throw UsageError("--" + name + " takes no value");
            parsed.flags_.insert(name);
        } else if (inline_value) {
            parsed.values_[name] = *inline_value;
        } else {
            if (i + 1 >= args.size())
                throw UsageError("--" + name + " needs a value (" + option->value_name + ")");
            parsed.values_[name] = args[++i];
        }
    }
    if (parsed.help_)
        return parsed;
    if (parsed.positionals_.size() < spec.min_positionals)
        throw UsageError("missing argument");
    if (parsed.positionals_.size() > spec.max_positionals)
        throw UsageError("unexpected argument '" + parsed.positionals_[spec.max_positionals] + "'");
    return parsed;
}

std::string help_text(const CommandSpec& spec)
{
    auto label = [](const OptionSpec& o) { return "--" + o.name + (o.value_name.empty() ? "" : " " + o.value_name); };
    std::size_t width = std::string("-h, --help").size();
    for (const auto& o : spec.options)
        width = std::max(width, label(o).size());
    auto line = [width](const std::string& left, const std::string& help) {
        return "  " + left + std::string(width - left.size() + 2, ' ') + help + "\n";
    };
    std::string out = "usage: " + spec.usage + "\n\n" + spec.summary + "\n\noptions:\n";
    for (const auto& o : spec.options)
        out += line(label(o), o.help);
    out += line("-h, --help", "show this help");
    return out;
}

double parse_positive_double(const std::string& text, const std::string& option)
{
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value <= 0)
        throw UsageError("--" + option + " expects a positive number, got '" + text + "'");
    return value;
}

int parse_int(const std::string& text, const std::string& option, int minimum)
{
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < minimum)
        throw UsageError("--" + option + " expects an integer of at least " + std::to_string(minimum) + ", got '" + text + "'");
    return value;
}

} // namespace roofline::cli
