#include "roofline/support/files.h"

#include "roofline/support/errors.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace roofline {

std::string read_text_file(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}},
                         std::string("cannot open the file: ") + std::strerror(errno));
    // One read into a string of the right size: no second copy of a large file.
    std::string text(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

} // namespace roofline
