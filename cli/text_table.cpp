#include "text_table.h"

#include <algorithm>

namespace roofline::cli {

namespace {

// Display width: count UTF-8 code points, not bytes ("µs" is two columns).
std::size_t width_of(const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned)
{
    std::vector<std::size_t> widths(headers.size());
    for (std::size_t c = 0; c < headers.size(); ++c)
        widths[c] = width_of(headers[c]);
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], width_of(row[c]));
    }
    auto print_row = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t c = 0; c < headers.size(); ++c) {
            const std::string cell = c < row.size() ? row[c] : "";
            const std::string pad(widths[c] - width_of(cell), ' ');
            const bool right = c < right_aligned.size() && right_aligned[c];
            line += (c ? "  " : "") + (right ? pad + cell : cell + (c + 1 < headers.size() ? pad : ""));
        }
        out << line << '\n';
    };
    print_row(headers);
    std::string rule;
    for (std::size_t c = 0; c < widths.size(); ++c)
        rule += (c ? "  " : "") + std::string(widths[c], '-');
    out << rule << '\n';
    for (const auto& row : rows)
        print_row(row);
}

} // namespace roofline::cli
