#include "roofline/plugin_host/worker_client.h"

#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/plugin_host/worker_protocol.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace roofline {

namespace fs = std::filesystem;
using namespace worker;

namespace {

constexpr std::size_t kOutputTailBytes = 4096;
constexpr int kStopPollMs = 10;                       // how often a run looks at the host's stop flag
constexpr auto kExitWait = std::chrono::seconds(2);   // a dying or quitting worker's time to exit by itself

std::string seconds_text(double s)
{
    char text[32];
    std::snprintf(text, sizeof text, s < 10 ? "%.2f" : "%.0f", s);
    return text;
}

std::string exit_text(int status)
{
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = ::strsignal(sig);
        return "died of signal " + std::to_string(sig) + (name ? " (" + std::string(name) + ")" : std::string());
    }
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "stopped";
}

// An fd of at least 10, so that the child's dup2 onto 1, 2 and 3 never lands on another of its sources.
int above_std_fds(int fd)
{
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    ::close(fd);
    return moved;
}

} // namespace

struct WorkerClient::Process {
    pid_t pid = 0;
    int channel = -1; // the host's end of the socket pair
    int output = -1;  // the read end of the worker's stdout and stderr
    FrameDecoder decoder;
    std::string output_tail;
    bool forward_output = true;

    ~Process()
    {
        if (channel >= 0)
            ::close(channel);
        if (output >= 0)
            ::close(output);
    }

    // Whatever the worker printed, copied on to stderr and its end kept for the "last message".
    void drain_output()
    {
        char buffer[4096];
        while (output >= 0) {
            const ssize_t n = ::read(output, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN)
                return;
            if (n <= 0) {
                ::close(output);
                output = -1;
                return;
            }
            if (forward_output) {
                [[maybe_unused]] const ssize_t ignored = ::write(STDERR_FILENO, buffer, static_cast<std::size_t>(n));
            }
            output_tail.append(buffer, static_cast<std::size_t>(n));
            if (output_tail.size() > kOutputTailBytes)
                output_tail.erase(0, output_tail.size() - kOutputTailBytes);
        }
    }

    // Waits up to `grace` for the worker to exit by itself, then kills it; its exit status when it exited by
    // itself. What it printed last is read either way.
    std::optional<int> reap(std::chrono::steady_clock::duration grace)
    {
        int status = 0;
        const auto until = std::chrono::steady_clock::now() + grace;
        do {
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                drain_output();
                return status;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        } while (std::chrono::steady_clock::now() < until);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        drain_output();
        return std::nullopt;
    }

    std::string last_line() const
    {
        std::string text = output_tail;
        std::string line;
        // qemu-user reports a signal the program did not catch on its own line after the program's last one
        // ("qemu: uncaught target signal 11 …"): the exit status says that already, the plugin's line is the news.
        do {
            while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
                text.pop_back();
            const auto newline = text.rfind('\n');
            line = newline == std::string::npos ? text : text.substr(newline + 1);
            text.resize(newline == std::string::npos ? 0 : newline);
        } while (line.starts_with("qemu: uncaught target signal") && !text.empty());
        if (line.size() > 300)
            line = line.substr(0, 300) + "…";
        return line;
    }
};

struct WorkerClient::Reply {
    std::optional<Frame> frame;
    std::string failure; // what went wrong, when frame is empty
    bool cancelled = false;
};

WorkerClient::WorkerClient(fs::path plugin_file, int index, WorkerOptions options)
    : plugin_file_(std::move(plugin_file)), index_(index), options_(std::move(options))
{
    start();
}

WorkerClient::~WorkerClient()
{
    stop_worker();
}

pid_t WorkerClient::pid() const
{
    return process_ ? process_->pid : 0;
}

void WorkerClient::start()
{
    if (worker_path_.empty())
        worker_path_ = options_.worker.empty() ? find_worker() : options_.worker;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        throw PluginError(PluginError::Kind::Failed, std::string("cannot create the worker's socket: ") + std::strerror(errno));
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        const int err = errno;
        ::close(pair[0]);
        ::close(pair[1]);
        throw PluginError(PluginError::Kind::Failed, std::string("cannot create the worker's output pipe: ") + std::strerror(err));
    }
    auto process = std::make_unique<Process>();
    process->channel = pair[0];
    process->output = out[0];
    process->forward_output = options_.forward_output;
    const int child_channel = above_std_fds(pair[1]);
    const int child_output = above_std_fds(out[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, child_output, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, child_output, STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, child_channel, kChannelFd);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGCHLD);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    const std::string program = worker_path_.string();
    const std::string parent = std::to_string(::getpid());
    std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>("--serve"), const_cast<char*>("--parent"),
                               const_cast<char*>(parent.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(child_channel);
    ::close(child_output);
    if (spawned != 0)
        throw PluginError(PluginError::Kind::Failed, "cannot start the worker " + program + ": " + std::strerror(spawned));
    process->pid = pid;
    ::fcntl(process->output, F_SETFL, ::fcntl(process->output, F_GETFL) | O_NONBLOCK);
    process_ = std::move(process);

    Reply hello = await(int(MessageType::Hello), options_.open_timeout_s, nullptr);
    if (!hello.frame)
        throw PluginError(PluginError::Kind::Failed, "the worker " + program + " did not start: " + hello.failure);
    try {
        PayloadReader in(hello.frame->payload);
        const uint32_t abi_version = in.u32();
        if (abi_version != ROOFLINE_PLUGIN_ABI_VERSION)
            throw ProtocolError("it speaks plugin ABI " + std::to_string(abi_version) + ", this build "
                                + std::to_string(ROOFLINE_PLUGIN_ABI_VERSION) + " (install the worker of this build)");
    } catch (const ProtocolError& e) {
        const std::string why = kill_and_describe(std::string("the worker ") + program + " does not fit this build: " + e.what(), true);
        throw PluginError(PluginError::Kind::WrongVersion, why);
    }

    if (!send_request(int(MessageType::Open), PayloadWriter().text(plugin_file_.string()).i32(index_).bytes()))
        throw PluginError(PluginError::Kind::Failed, kill_and_describe("the worker went away before it opened the plugin", false));
    Reply opened = await(int(MessageType::Opened), options_.open_timeout_s, nullptr);
    if (!opened.frame)
        throw PluginError(PluginError::Kind::Failed, "opening " + plugin_file_.string() + " in the worker failed: " + opened.failure);
    int32_t kind = 0;
    std::string message, name, version, path;
    rl_device_info info{};
    try {
        PayloadReader in(opened.frame->payload);
        kind = in.i32();
        message = in.text();
        name = in.text();
        version = in.text();
        path = in.text();
        info = in.wire_struct<rl_device_info>();
        in.expect_end();
    } catch (const ProtocolError& e) {
        throw PluginError(PluginError::Kind::Failed, kill_and_describe(std::string("the worker's answer to Open is not the protocol: ") + e.what(), true));
    }
    if (kind >= 0) {
        stop_worker();
        const bool known = kind <= int32_t(PluginError::Kind::Failed);
        throw PluginError(known ? static_cast<PluginError::Kind>(kind) : PluginError::Kind::Failed, message);
    }
    info_ = info;
    plugin_name_ = name;
    plugin_version_ = version;
    plugin_path_ = path;
}

void WorkerClient::ensure_started()
{
    if (process_)
        return;
    ++restarts_;
    start();
}

bool WorkerClient::send_request(int type, const std::vector<unsigned char>& payload)
{
    return process_ && send_all(process_->channel, encode_frame(static_cast<MessageType>(type), payload));
}

WorkerClient::Reply WorkerClient::await(int expected_type, double timeout_s, const std::function<bool()>* should_stop,
                                        const std::string& timeout_note)
{
    Process& p = *process_;
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    std::optional<Clock::time_point> stop_deadline;
    Reply reply;
    for (;;) {
        try {
            if (auto frame = p.decoder.next()) {
                if (int(frame->type) == expected_type) {
                    reply.frame = std::move(frame);
                    return reply;
                }
                if (frame->type == MessageType::Refused) {
                    std::string why = "?";
                    try {
                        why = PayloadReader(frame->payload).text();
                    } catch (const ProtocolError&) {
                    }
                    reply.failure = kill_and_describe("the worker refused a request (" + why + ")", false);
                    return reply;
                }
                throw ProtocolError("message type " + std::to_string(int(frame->type)) + " where "
                                    + std::to_string(expected_type) + " was expected");
            }
        } catch (const ProtocolError& e) {
            reply.failure = kill_and_describe(std::string("the worker sent bytes that are not the protocol: ") + e.what(), true);
            return reply;
        }

        const auto now = Clock::now();
        if (now >= deadline) {
            reply.failure = kill_and_describe("timed out: no answer from the plugin after " + seconds_text(timeout_s) + " s" + timeout_note, true);
            return reply;
        }
        if (stop_deadline && now >= *stop_deadline) {
            reply.cancelled = true;
            reply.failure = kill_and_describe("cancelled: the plugin did not stop within " + seconds_text(options_.stop_grace_s)
                                                  + " s of the request",
                                              true);
            return reply;
        }
        if (should_stop && *should_stop && !stop_deadline && (*should_stop)()) {
            send_request(int(MessageType::Stop), {});
            stop_deadline = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.stop_grace_s));
        }

        auto until = stop_deadline ? std::min(deadline, *stop_deadline) : deadline;
        int wait_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(until - now).count());
        if (should_stop && *should_stop && !stop_deadline)
            wait_ms = std::min(wait_ms, kStopPollMs);
        pollfd fds[2] = {{p.channel, POLLIN, 0}, {p.output, POLLIN, 0}};
        const int ready = ::poll(fds, p.output >= 0 ? 2 : 1, std::max(wait_ms, 0));
        if (ready < 0 && errno != EINTR) {
            reply.failure = kill_and_describe(std::string("cannot wait for the worker: ") + std::strerror(errno), true);
            return reply;
        }
        if (ready <= 0)
            continue;
        if (p.output >= 0 && fds[1].revents)
            p.drain_output();
        if (fds[0].revents) {
            unsigned char buffer[4096];
            const ssize_t n = ::recv(p.channel, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                reply.failure = kill_and_describe("the plugin's worker ended in the middle of a call", false);
                return reply;
            }
            p.decoder.feed(buffer, static_cast<std::size_t>(n));
        }
    }
}

std::string WorkerClient::kill_and_describe(const std::string& what, bool kill_now)
{
    if (!process_)
        return what;
    Process& p = *process_;
    // Unless killed at once: it closed its end, so it is exiting or dead. Give it a moment, so that its own
    // signal is the one reported.
    const std::optional<int> exited = p.reap(kill_now ? Clock::duration::zero() : Clock::duration(kExitWait));
    std::string text = what + (exited ? "; it " + exit_text(*exited) : std::string("; the worker was killed"));
    if (const std::string line = p.last_line(); !line.empty())
        text += "; last message: " + line;
    process_.reset();
    return text;
}

void WorkerClient::stop_worker()
{
    if (!process_)
        return;
    send_request(int(MessageType::Quit), {});
    ::shutdown(process_->channel, SHUT_WR);
    process_->reap(kExitWait);
    process_.reset();
}

rl_status WorkerClient::supports(const rl_case& c, std::string& reason)
{
    try {
        ensure_started();
    } catch (const PluginError& e) {
        reason = std::string("cannot start a new worker for the plugin: ") + e.what();
        return RL_STATUS_FAILED;
    }
    if (!send_request(int(MessageType::Supports), PayloadWriter().wire_struct(c).bytes())) {
        reason = kill_and_describe("the plugin's worker ended in the middle of a call", false);
        return RL_STATUS_FAILED;
    }
    Reply reply = await(int(MessageType::Support), options_.open_timeout_s, nullptr);
    if (!reply.frame) {
        reason = reply.failure;
        return RL_STATUS_FAILED;
    }
    try {
        PayloadReader in(reply.frame->payload);
        const int32_t status = in.i32();
        reason = in.text();
        in.expect_end();
        return static_cast<rl_status>(status);
    } catch (const ProtocolError& e) {
        reason = kill_and_describe(std::string("the worker's answer to Supports is not the protocol: ") + e.what(), true);
        return RL_STATUS_FAILED;
    }
}

rl_result WorkerClient::run(const rl_case& c, const std::function<bool()>& should_stop)
{
    rl_result failed = abi::empty_result();
    failed.status = RL_STATUS_FAILED;
    auto fail = [&failed](const std::string& message, bool cancelled = false) {
        failed.status = cancelled ? RL_STATUS_CANCELLED : RL_STATUS_FAILED;
        abi::copy_text(failed.message, message);
        return failed;
    };
    try {
        ensure_started();
    } catch (const PluginError& e) {
        return fail(std::string("cannot start a new worker for the plugin: ") + e.what());
    }
    if (!send_request(int(MessageType::Run), PayloadWriter().wire_struct(c).bytes()))
        return fail(kill_and_describe("the plugin's worker ended in the middle of a call", false));

    const double budget_s = std::isfinite(c.time_budget_s) && c.time_budget_s > 0 ? c.time_budget_s : abi::kDefaultSampling.time_budget_s;
    const double deadline_s = std::max(options_.deadline_floor_s, options_.deadline_budget_multiple * budget_s);
    const std::string deadline_note = " (the deadline: " + seconds_text(options_.deadline_budget_multiple)
        + " × the case's time budget of " + seconds_text(budget_s) + " s, at least " + seconds_text(options_.deadline_floor_s) + " s)";
    Reply reply = await(int(MessageType::Result), deadline_s, &should_stop, deadline_note);
    if (!reply.frame)
        return fail(reply.failure, reply.cancelled);
    try {
        PayloadReader in(reply.frame->payload);
        rl_result r = in.wire_struct<rl_result>();
        in.expect_end();
        r.algorithm[sizeof r.algorithm - 1] = '\0';
        r.message[sizeof r.message - 1] = '\0';
        return r;
    } catch (const ProtocolError& e) {
        return fail(kill_and_describe(std::string("the worker's result is not the protocol: ") + e.what(), true));
    }
}

} // namespace roofline
