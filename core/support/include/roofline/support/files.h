#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace roofline {

// The whole file as text; InputError "FILE: cannot open the file: <reason>" when it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

// Writes to a temporary file beside `file` and renames it into place, so a reader never sees half a file.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

} // namespace roofline
