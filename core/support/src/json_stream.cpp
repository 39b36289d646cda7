#include "roofline/support/json_stream.h"

#include "roofline/support/errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace roofline::detail {

using nlohmann::ordered_json;

ordered_json* JsonTreeBuilder::place(ordered_json v)
{
    // A row has a handful of fields: room for them at once, not by doubling from one.
    if (v.is_object())
        v.get_ref<ordered_json::object_t&>().reserve(8);
    else if (v.is_array())
        v.get_ref<ordered_json::array_t&>().reserve(4); // a shape's dimensions
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

void JsonTape::replay(const std::function<void(ordered_json)>& take) const
{
    JsonTreeBuilder tree;
    const char* p = bytes_.data();
    const char* const end = p + bytes_.size();
    const auto read = [&p](auto& v) {
        std::memcpy(&v, p, sizeof v);
        p += sizeof v;
    };
    const auto read_text = [&]() {
        std::size_t size = 0;
        read(size);
        std::string v(p, size);
        p += size;
        return v;
    };
    while (p < end) {
        switch (static_cast<Tag>(*p++)) {
        case Tag::Null: tree.value(nullptr); break;
        case Tag::True: tree.value(true); break;
        case Tag::False: tree.value(false); break;
        case Tag::Integer: {
            std::int64_t v = 0;
            read(v);
            tree.value(v);
            break;
        }
        case Tag::Unsigned: {
            std::uint64_t v = 0;
            read(v);
            tree.value(v);
            break;
        }
        case Tag::Float: {
            double v = 0;
            read(v);
            tree.value(v);
            break;
        }
        case Tag::String: tree.value(read_text()); break;
        case Tag::Key: tree.key(read_text()); break;
        case Tag::Object: tree.start(ordered_json::object()); break;
        case Tag::Array: tree.start(ordered_json::array()); break;
        case Tag::End: tree.end(); break;
        }
        if (tree.complete())
            take(tree.take());
    }
}

namespace {

// The bytes of an open file, a chunk at a time.
class FileBytes : public JsonBytes {
public:
    FileBytes(int fd, std::string source) : fd_(fd), source_(std::move(source)), buffer_(1 << 18) {}
    ~FileBytes() override { ::close(fd_); }
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;

    bool refill(const char*& begin, const char*& end) override
    {
        for (;;) {
            const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                throw InputError(InputLocation{source_, {}, {}, {}, {}}, std::string("cannot read the file: ") + std::strerror(errno));
            begin = buffer_.data();
            end = begin + n;
            return n > 0;
        }
    }

private:
    int fd_;
    std::string source_;
    std::vector<char> buffer_;
};

} // namespace

JsonEventsEnd read_json_file_events(const std::filesystem::path& file, JsonSax& sax)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}}, std::string("cannot open the file: ") + std::strerror(errno));
    FileBytes bytes(fd, file.string());
    return read_json_events(bytes, sax);
}

} // namespace roofline::detail
