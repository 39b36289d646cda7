#include "json_stream.h"

#include "roofline/errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <unistd.h>

namespace roofline::detail {

using nlohmann::ordered_json;

ordered_json* JsonTreeBuilder::place(ordered_json v)
{
    // A row has a handful of fields: room for them at once, not by doubling from one.
    if (v.is_object())
        v.get_ref<ordered_json::object_t&>().reserve(8);
    if (!started_) {
        started_ = true;
        root_ = std::move(v);
        return &root_;
    }
    // Only the innermost open container grows, so the pointers to the ones around it stay valid.
    ordered_json& parent = *open_.back();
    if (parent.is_array()) {
        parent.push_back(std::move(v));
        return &parent.back();
    }
    ordered_json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
}

ordered_json JsonTreeBuilder::take()
{
    ordered_json out = std::move(root_);
    root_ = nullptr;
    open_.clear();
    started_ = false;
    return out;
}

bool RecordingSax::parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex)
{
    problem_ = syntax_problem(ex);
    return false;
}

bool sax_parse_text(std::string_view text, RecordingSax& sax)
{
    return ordered_json::sax_parse(text.begin(), text.end(), &sax);
}

namespace {

// The bytes of an open file, a chunk at a time.
class ChunkReader {
public:
    ChunkReader(int fd, std::string source) : fd_(fd), source_(std::move(source)), buffer_(1 << 18) {}
    ~ChunkReader() { ::close(fd_); }
    ChunkReader(const ChunkReader&) = delete;
    ChunkReader& operator=(const ChunkReader&) = delete;

    bool at_end()
    {
        if (pos_ < len_)
            return false;
        refill();
        return pos_ >= len_;
    }
    char current() const { return buffer_[pos_]; }
    void advance() { ++pos_; }

private:
    void refill()
    {
        pos_ = len_ = 0;
        for (;;) {
            const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                throw InputError(InputLocation{source_, {}, {}, {}, {}}, std::string("cannot read the file: ") + std::strerror(errno));
            len_ = static_cast<std::size_t>(n);
            return;
        }
    }

    int fd_;
    std::string source_;
    std::vector<char> buffer_;
    std::size_t pos_ = 0, len_ = 0;
};

// An input iterator over a ChunkReader, as nlohmann's iterator adapter reads it (compare with the end, read,
// advance). The default one is the end.
class ChunkIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    ChunkIterator() = default;
    explicit ChunkIterator(ChunkReader* reader) : reader_(reader) {}

    char operator*() const { return reader_->current(); }
    ChunkIterator& operator++()
    {
        reader_->advance();
        return *this;
    }
    ChunkIterator operator++(int)
    {
        ChunkIterator before = *this;
        reader_->advance();
        return before;
    }
    bool operator==(const ChunkIterator& other) const { return done() && other.done(); }

private:
    bool done() const { return !reader_ || reader_->at_end(); }

    ChunkReader* reader_ = nullptr;
};

} // namespace

bool sax_parse_file(const std::filesystem::path& file, RecordingSax& sax)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}}, std::string("cannot open the file: ") + std::strerror(errno));
    ChunkReader reader(fd, file.string());
    return ordered_json::sax_parse(ChunkIterator(&reader), ChunkIterator(), &sax);
}

} // namespace roofline::detail
