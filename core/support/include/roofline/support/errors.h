#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace roofline {

// Where in the user's input a problem is. Every part is optional; what() joins those present:
//   "results.json: row 3, field 'shape': expected 3 dimensions for gemm, got 2"
struct InputLocation {
    std::string file;                 // path or a label such as "pasted text"
    std::optional<std::size_t> line;  // 1-based, for text that is not valid JSON
    std::optional<std::size_t> column;
    std::optional<std::size_t> row;   // 0-based index into the benchmarks list
    std::string field;
};

std::string format_location(const InputLocation& where);

// Bad input from a user: a file, a pasted text, a command-line value. Never a bug in the program.
class InputError : public std::runtime_error {
public:
    InputError(InputLocation where, const std::string& problem);
    explicit InputError(const std::string& problem);

    const InputLocation& where() const noexcept { return where_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    InputLocation where_;
    std::string problem_;
};

} // namespace roofline
