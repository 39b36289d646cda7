#pragma once
// A strict JSON reader of our own that drives an nlohmann SAX handler: the same grammar, values and events as
// nlohmann's parser (checked against it by tests/fuzz/fuzz_json.cpp), several times faster on big files because
// it reads bytes straight from a buffer. One difference: a NUL byte is an error here, where nlohmann's parser
// ends the text at it (parse_json_text refuses it too). It locates nothing: on a syntax error the caller asks nlohmann's parser,
// whose message names the line and column.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace roofline::detail {

using JsonSax = nlohmann::json_sax<nlohmann::ordered_json>;

// Hands the reader its bytes, a chunk at a time. refill() points [begin, end) at the next chunk; false at the end.
class JsonBytes {
public:
    virtual ~JsonBytes() = default;
    virtual bool refill(const char*& begin, const char*& end) = 0;
};

enum class JsonEventsEnd {
    Complete, // one whole value, then only whitespace
    Stopped,  // the handler returned false
    NotJson,  // a syntax error (or a number too large for a double), where nlohmann's parser refuses too
};

JsonEventsEnd read_json_events(JsonBytes& bytes, JsonSax& sax);

// The text as chunks of `chunk_bytes` (0: one chunk): how tests cross every chunk boundary.
JsonEventsEnd read_json_events(std::string_view text, JsonSax& sax, std::size_t chunk_bytes = 0);

} // namespace roofline::detail
