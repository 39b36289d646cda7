#pragma once
// What every reader's fuzz target checks: the reader accepts the bytes or throws InputError (anything else —
// another exception, a crash, a sanitizer report, a hang — is a bug), and what it accepts it can write back
// in a form it reads again.

#include "roofline/support/errors.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace rl_fuzz {

inline std::string_view as_text(const uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// Runs parse(text); on success runs reparse(written) and aborts when the written form is refused.
template <typename Parse, typename WriteAndReparse>
int check_reader(const uint8_t* data, std::size_t size, Parse parse, WriteAndReparse write_and_reparse)
{
    const std::string_view text = as_text(data, size);
    try {
        auto value = parse(text);
        try {
            write_and_reparse(value);
        } catch (const roofline::InputError& e) {
            std::fprintf(stderr, "accepted input was written back in a form the reader refuses: %s\n", e.what());
            std::abort();
        }
    } catch (const roofline::InputError&) {
        // A clear refusal is the reader's job.
    }
    return 0;
}

} // namespace rl_fuzz
