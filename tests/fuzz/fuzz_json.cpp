// libFuzzer target: the results reader's own JSON reader (core/support/src/json_events.cpp) against nlohmann's parser.
// Both must accept or both refuse, and build the same tree, whatever the chunks the bytes come in (the first
// byte picks the chunk size). Any difference aborts. A NUL byte, which nlohmann's parser takes for the end of
// the text, both refuse here.
#include "roofline/support/json_stream.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t chunk = data[0] % 8; // 0: the whole text at once
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    // nlohmann's parser ends the text at a NUL byte; this project refuses one (parse_json_text).
    const auto expected = text.find('\0') != std::string_view::npos
        ? nlohmann::ordered_json(nlohmann::ordered_json::value_t::discarded)
        : nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    roofline::detail::TreeSax tree;
    const auto end = roofline::detail::read_json_events(text, tree, chunk);
    if (expected.is_discarded()) {
        if (end != roofline::detail::JsonEventsEnd::NotJson) {
            std::fprintf(stderr, "accepted a text nlohmann refuses (chunk %zu)\n", chunk);
            std::abort();
        }
        return 0;
    }
    if (end != roofline::detail::JsonEventsEnd::Complete) {
        std::fprintf(stderr, "refused a text nlohmann accepts (chunk %zu)\n", chunk);
        std::abort();
    }
    if (tree.take() != expected) {
        std::fprintf(stderr, "built another tree than nlohmann's (chunk %zu)\n", chunk);
        std::abort();
    }
    return 0;
}
