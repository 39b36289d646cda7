#include "roofline/support/files.h"

#include "roofline/support/errors.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace roofline {

namespace {

// What a failed save says: the file it was for, and why in words a user can act on.
[[noreturn]] void cannot_save(const std::filesystem::path& file, const std::string& step, int err)
{
    std::string why = std::strerror(err);
    const std::string dir = file.parent_path().empty() ? std::string(".") : file.parent_path().string();
    switch (err) {
    case EACCES:
    case EPERM: why = "the folder " + dir + " is not writable (" + why + ")"; break;
    case EROFS: why = "the folder " + dir + " is on a read-only file system (" + why + ")"; break;
    case ENOSPC:
    case EDQUOT: why = "the disk is full (" + why + ")"; break;
    case EFBIG: why = "the file is larger than this process may write (" + why + ")"; break;
    case ENOENT: why = "the folder " + dir + " does not exist (" + why + ")"; break;
    default: break;
    }
    throw InputError(InputLocation{file.string(), {}, {}, {}, {}},
                     "cannot save: " + step + ": " + why + "; nothing was changed on disk");
}

} // namespace

void write_file_atomically(const std::filesystem::path& file, std::string_view content)
{
    // The temporary is unique to this process and this call: two instances of the app, or two threads, that
    // save the same file at once each write their own and the last rename wins whole.
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path temp
        = file.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        cannot_save(file, "cannot create a file beside it", errno);
    auto fail = [&](const std::string& step, int err) {
        ::close(fd);
        ::unlink(temp.c_str());
        cannot_save(file, step, err);
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("cannot write", n < 0 ? errno : ENOSPC);
        written += static_cast<std::size_t>(n);
    }
    // fsync before rename: after a crash the file is either the old one or the whole new one. A full disk may
    // only show here (delayed allocation), so its answer counts as much as write's.
    if (::fsync(fd) != 0 && errno != EINVAL)
        fail("cannot write", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        cannot_save(file, "cannot write", err);
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        cannot_save(file, "cannot rename into place", err);
    }
}

} // namespace roofline
