#include "roofline/plugin_host/worker_server.h"

#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/plugin_host/worker_protocol.h"

#include <cerrno>
#include <chrono>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace roofline::worker {

namespace {

constexpr int kExitRefused = 3;
constexpr auto kStopLookInterval = std::chrono::milliseconds(1);

class Server {
public:
    explicit Server(int fd) : fd_(fd) {}

    int serve()
    {
        if (!send(MessageType::Hello, PayloadWriter().u32(ROOFLINE_PLUGIN_ABI_VERSION).u32(kProtocolVersion).i32(::getpid())))
            return 0;
        try {
            while (!quit_) {
                const std::optional<Frame> frame = wait_for_frame();
                if (!frame)
                    return 0; // the host went away
                handle(*frame);
            }
        } catch (const ProtocolError& e) {
            send(MessageType::Refused, PayloadWriter().text(e.what()));
            return kExitRefused;
        }
        return refused_.empty() ? 0 : (send(MessageType::Refused, PayloadWriter().text(refused_)), kExitRefused);
    }

private:
    bool send(MessageType type, const PayloadWriter& payload) { return send_all(fd_, encode_frame(type, payload.bytes())); }

    // Blocks until a whole frame is in; nothing at the host's end of the socket.
    std::optional<Frame> wait_for_frame()
    {
        for (;;) {
            if (auto frame = decoder_.next())
                return frame;
            if (!receive(0))
                return std::nullopt;
        }
    }

    // Reads what is there (waiting when `flags` allows); false once the host has closed its end.
    bool receive(int flags)
    {
        unsigned char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, flags);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return true;
            if (n <= 0)
                return false;
            decoder_.feed(buffer, static_cast<std::size_t>(n));
            return true;
        }
    }

    void handle(const Frame& frame)
    {
        PayloadReader in(frame.payload);
        switch (frame.type) {
        case MessageType::Open: {
            const std::string file = in.text();
            const int32_t index = in.i32();
            in.expect_end();
            open(file, index);
            return;
        }
        case MessageType::Supports: {
            const rl_case c = in.wire_struct<rl_case>();
            in.expect_end();
            const Device::Support s = opened().supports(c);
            send(MessageType::Support, PayloadWriter().i32(s.status).text(s.reason));
            return;
        }
        case MessageType::Run: {
            const rl_case c = in.wire_struct<rl_case>();
            in.expect_end();
            stop_ = false;
            next_look_ = {};
            const rl_result r = opened().run(c, [this] { return stop_requested(); });
            if (!refused_.empty())
                return; // serve() says why instead of answering
            send(MessageType::Result, PayloadWriter().wire_struct(r));
            return;
        }
        case MessageType::Stop:
            return; // it came after the run it was meant for had ended
        case MessageType::Quit:
            quit_ = true;
            return;
        default:
            throw ProtocolError("a worker's message sent to the worker (type " + std::to_string(int(frame.type)) + ")");
        }
    }

    void open(const std::string& file, int32_t index)
    {
        if (device_)
            throw ProtocolError("a second Open");
        try {
            device_ = Device::open(Plugin::load(file), index);
            const DeviceInfo& info = device_->info();
            send(MessageType::Opened, PayloadWriter()
                                          .i32(-1)
                                          .text("")
                                          .text(info.plugin_name)
                                          .text(info.plugin_version)
                                          .text(device_->plugin().path().string())
                                          .wire_struct(device_->raw_info()));
        } catch (const PluginError& e) {
            send(MessageType::Opened, PayloadWriter()
                                          .i32(static_cast<int32_t>(e.kind()))
                                          .text(e.what())
                                          .text("")
                                          .text("")
                                          .text(file)
                                          .wire_struct(WireStruct<rl_device_info>::defaults()));
        }
    }

    Device& opened()
    {
        if (!device_)
            throw ProtocolError("a case before Open");
        return *device_;
    }

    // The plugin's stop callback, once per sample: a look at the socket that never waits, at most once a
    // millisecond (a poll() per sample would cost ~2 µs each, a clock read costs ~20 ns).
    bool stop_requested()
    {
        if (stop_)
            return true;
        const auto now = std::chrono::steady_clock::now();
        if (now < next_look_)
            return false;
        next_look_ = now + kStopLookInterval;
        try {
            // A Stop sent just after its Run can come in with it, in one read: it is then in the decoder already,
            // and no longer on the socket.
            take_run_messages();
            if (stop_)
                return true;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0)
                return false;
            if (!receive(MSG_DONTWAIT)) {
                stop_ = quit_ = true; // the host went away: nobody wants the rest of this case
                return true;
            }
            take_run_messages();
        } catch (const ProtocolError& e) {
            // Stop the run; refuse once it has returned, from serve().
            refused_ = e.what();
            stop_ = quit_ = true;
        }
        return stop_;
    }

    // The messages a run may get, Stop and Quit, from what has been read.
    void take_run_messages()
    {
        while (auto frame = decoder_.next()) {
            if (frame->type == MessageType::Stop) {
                stop_ = true;
            } else if (frame->type == MessageType::Quit) {
                stop_ = quit_ = true;
            } else {
                throw ProtocolError("a request during a run (type " + std::to_string(int(frame->type)) + ")");
            }
        }
    }

    int fd_;
    FrameDecoder decoder_;
    std::unique_ptr<Device> device_;
    bool stop_ = false;
    bool quit_ = false;
    std::chrono::steady_clock::time_point next_look_{};
    std::string refused_;
};

} // namespace

int serve(int channel_fd)
{
    return Server(channel_fd).serve();
}

} // namespace roofline::worker
