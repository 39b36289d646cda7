#include "roofline/support/json_events.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace roofline::detail {

namespace {

constexpr int kEnd = -1;
constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1); // what nlohmann's parser passes to start_*

bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t code)
{
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

class EventReader {
public:
    EventReader(JsonBytes& bytes, JsonSax& sax) : bytes_(bytes), sax_(sax) {}

    // Iterative, so that nesting as deep as the input goes costs memory, never the stack.
    JsonEventsEnd run()
    {
        if (!skip_bom())
            return JsonEventsEnd::NotJson;
        std::vector<bool> open; // true: an object, false: an array
        for (;;) {
            skip_whitespace();
            const int c = next();
            Step step = Step::Value;
            switch (c) {
            case '{':
                if (!sax_.start_object(kUnknownSize))
                    return JsonEventsEnd::Stopped;
                skip_whitespace();
                if (peek() == '}') {
                    next();
                    step = sax_.end_object() ? Step::Value : Step::Stop;
                    break;
                }
                open.push_back(true);
                step = key();
                if (step == Step::Value)
                    continue;
                break;
            case '[':
                if (!sax_.start_array(kUnknownSize))
                    return JsonEventsEnd::Stopped;
                skip_whitespace();
                if (peek() == ']') {
                    next();
                    step = sax_.end_array() ? Step::Value : Step::Stop;
                    break;
                }
                open.push_back(false);
                continue;
            case '"':
                step = !read_string() ? Step::Fail : sax_.string(text_) ? Step::Value : Step::Stop;
                break;
            case 't':
                step = !literal("rue") ? Step::Fail : sax_.boolean(true) ? Step::Value : Step::Stop;
                break;
            case 'f':
                step = !literal("alse") ? Step::Fail : sax_.boolean(false) ? Step::Value : Step::Stop;
                break;
            case 'n':
                step = !literal("ull") ? Step::Fail : sax_.null() ? Step::Value : Step::Stop;
                break;
            default:
                step = c == '-' || is_digit(c) ? number(c) : Step::Fail;
            }
            if (step != Step::Value)
                return end_of(step);

            // After a value: close what it ends, then the separator before the next one.
            for (;;) {
                skip_whitespace();
                if (open.empty())
                    return peek() == kEnd ? JsonEventsEnd::Complete : JsonEventsEnd::NotJson;
                const int after = next();
                if (after == ',') {
                    step = open.back() ? key() : Step::Value;
                    break;
                }
                if (after != (open.back() ? '}' : ']'))
                    return JsonEventsEnd::NotJson;
                const bool ok = open.back() ? sax_.end_object() : sax_.end_array();
                open.pop_back();
                if (!ok)
                    return JsonEventsEnd::Stopped;
            }
            if (step != Step::Value)
                return end_of(step);
        }
    }

private:
    enum class Step { Value, Stop, Fail };

    static JsonEventsEnd end_of(Step step) { return step == Step::Stop ? JsonEventsEnd::Stopped : JsonEventsEnd::NotJson; }

    bool refill()
    {
        while (!done_) {
            if (!bytes_.refill(p_, end_)) {
                done_ = true;
                p_ = end_ = nullptr;
                return false;
            }
            if (p_ != end_)
                return true;
        }
        return false;
    }
    int peek()
    {
        if (p_ == end_ && !refill())
            return kEnd;
        return static_cast<unsigned char>(*p_);
    }
    int next()
    {
        const int c = peek();
        if (c != kEnd)
            ++p_;
        return c;
    }

    void skip_whitespace()
    {
        for (;;) {
            while (p_ != end_) {
                const char c = *p_;
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                    return;
                ++p_;
            }
            if (!refill())
                return;
        }
    }

    // A UTF-8 byte order mark at the very start is skipped, as nlohmann's parser does; half of one is an error.
    bool skip_bom()
    {
        if (peek() != 0xEF)
            return true;
        next();
        return next() == 0xBB && next() == 0xBF;
    }

    bool literal(const char* rest)
    {
        for (; *rest; ++rest) {
            if (next() != static_cast<unsigned char>(*rest))
                return false;
        }
        return true;
    }

    // An object's key after '{' or ',': the string, its event, the colon.
    Step key()
    {
        skip_whitespace();
        if (next() != '"' || !read_string())
            return Step::Fail;
        if (!sax_.key(text_))
            return Step::Stop;
        skip_whitespace();
        return next() == ':' ? Step::Value : Step::Fail;
    }

    // The string after its opening quote, into text_: escapes decoded, UTF-8 checked as RFC 3629 defines it.
    bool read_string()
    {
        text_.clear();
        for (;;) {
            const char* run = p_;
            while (p_ != end_) {
                const auto c = static_cast<unsigned char>(*p_);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                    break;
                ++p_;
            }
            text_.append(run, p_);
            const int c = next();
            if (c == '"')
                return true;
            if (c == '\\') {
                if (!escape())
                    return false;
            } else if (c >= 0x80) {
                if (!utf8_sequence(c))
                    return false;
            } else if (c != kEnd && c >= 0x20) {
                text_.push_back(static_cast<char>(c)); // the chunk ended inside a run
            } else {
                return false; // the end of the input, or a control character that must be escaped
            }
        }
    }

    bool escape()
    {
        switch (next()) {
        case '"': text_.push_back('"'); return true;
        case '\\': text_.push_back('\\'); return true;
        case '/': text_.push_back('/'); return true;
        case 'b': text_.push_back('\b'); return true;
        case 'f': text_.push_back('\f'); return true;
        case 'n': text_.push_back('\n'); return true;
        case 'r': text_.push_back('\r'); return true;
        case 't': text_.push_back('\t'); return true;
        case 'u': break;
        default: return false;
        }
        int code = hex4();
        if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF))
            return false;
        if (code >= 0xD800 && code <= 0xDBFF) {
            if (next() != '\\' || next() != 'u')
                return false;
            const int low = hex4();
            if (low < 0xDC00 || low > 0xDFFF)
                return false;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(text_, static_cast<std::uint32_t>(code));
        return true;
    }

    int hex4()
    {
        int code = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hex_value(next());
            if (digit < 0)
                return -1;
            code = code * 16 + digit;
        }
        return code;
    }

    bool utf8_sequence(int lead)
    {
        int follow = 0;
        int low = 0x80, high = 0xBF; // the range of the byte after the lead
        if (lead >= 0xC2 && lead <= 0xDF) {
            follow = 1;
        } else if (lead == 0xE0) {
            follow = 2, low = 0xA0;
        } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
            follow = 2;
        } else if (lead == 0xED) {
            follow = 2, high = 0x9F; // no UTF-16 surrogates
        } else if (lead == 0xF0) {
            follow = 3, low = 0x90;
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            follow = 3;
        } else if (lead == 0xF4) {
            follow = 3, high = 0x8F; // nothing above U+10FFFF
        } else {
            return false;
        }
        text_.push_back(static_cast<char>(lead));
        for (int i = 0; i < follow; ++i) {
            const int c = next();
            if (c < low || c > high)
                return false;
            text_.push_back(static_cast<char>(c));
            low = 0x80, high = 0xBF;
        }
        return true;
    }

    void digits()
    {
        while (is_digit(peek()))
            text_.push_back(static_cast<char>(next()));
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from its first character. Integers that fit 64 bits are
    // integers (signed when negative), everything else a double, as nlohmann's parser classifies them.
    Step number(int first)
    {
        text_.assign(1, static_cast<char>(first));
        if (first == '-') {
            first = next();
            if (!is_digit(first))
                return Step::Fail;
            text_.push_back(static_cast<char>(first));
        }
        if (first != '0')
            digits();
        bool integer = true;
        if (peek() == '.') {
            integer = false;
            text_.push_back(static_cast<char>(next()));
            if (!is_digit(peek()))
                return Step::Fail;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            text_.push_back(static_cast<char>(next()));
            if (peek() == '+' || peek() == '-')
                text_.push_back(static_cast<char>(next()));
            if (!is_digit(peek()))
                return Step::Fail;
            digits();
        }
        const char* begin = text_.data();
        const char* end = begin + text_.size();
        if (integer) {
            if (text_[0] == '-') {
                std::int64_t v = 0;
                if (const auto r = std::from_chars(begin, end, v); r.ec == std::errc() && r.ptr == end)
                    return sax_.number_integer(v) ? Step::Value : Step::Stop;
            } else {
                std::uint64_t v = 0;
                if (const auto r = std::from_chars(begin, end, v); r.ec == std::errc() && r.ptr == end)
                    return sax_.number_unsigned(v) ? Step::Value : Step::Stop;
            }
        }
        double v = 0;
        const auto r = std::from_chars(begin, end, v);
        if (r.ec != std::errc() || r.ptr != end)
            v = std::strtod(text_.c_str(), nullptr); // out of range: strtod gives the infinity or the tiny value
        if (!std::isfinite(v))
            return Step::Fail; // nlohmann refuses a number a double cannot hold
        return sax_.number_float(v, text_) ? Step::Value : Step::Stop;
    }

    JsonBytes& bytes_;
    JsonSax& sax_;
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    bool done_ = false;
    std::string text_; // the string or number being read
};

class TextBytes : public JsonBytes {
public:
    TextBytes(std::string_view text, std::size_t chunk) : text_(text), chunk_(chunk == 0 ? text.size() : chunk) {}

    bool refill(const char*& begin, const char*& end) override
    {
        if (pos_ >= text_.size())
            return false;
        const std::size_t n = std::min(chunk_, text_.size() - pos_);
        begin = text_.data() + pos_;
        end = begin + n;
        pos_ += n;
        return true;
    }

private:
    std::string_view text_;
    std::size_t chunk_;
    std::size_t pos_ = 0;
};

} // namespace

JsonEventsEnd read_json_events(JsonBytes& bytes, JsonSax& sax)
{
    return EventReader(bytes, sax).run();
}

JsonEventsEnd read_json_events(std::string_view text, JsonSax& sax, std::size_t chunk_bytes)
{
    TextBytes bytes(text, chunk_bytes);
    return read_json_events(bytes, sax);
}

} // namespace roofline::detail
