#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace roofline::cli {

// A command line the user got wrong: exit code 1 and the command's usage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;        // "hardware" for --hardware
    std::string value_name;  // "KEY"; empty for a flag
    std::string help;
};

struct CommandSpec {
    std::string name;        // "validate"
    std::string usage;       // "roofline validate --hardware KEY FILE [options]"
    std::string summary;
    std::vector<OptionSpec> options;
    std::size_t min_positionals = 0;
    std::size_t max_positionals = 0;
};

class ParsedArgs {
public:
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    // The value, or UsageError "--name is required".
    std::string required(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    bool help() const { return help_; }

private:
    friend ParsedArgs parse_args(const CommandSpec&, const std::vector<std::string>&);
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positionals_;
    bool help_ = false;
};

// Accepts --name VALUE, --name=VALUE, flags, positionals and -h/--help. Throws UsageError for anything else.
ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args);
std::string help_text(const CommandSpec& spec);

// Numeric option values: UsageError naming the option when they do not parse.
double parse_positive_double(const std::string& text, const std::string& option);
int parse_int(const std::string& text, const std::string& option, int minimum);

} // namespace roofline::cli
