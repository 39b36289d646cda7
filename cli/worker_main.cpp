// roofline-worker: runs a benchmark plugin for the app and the CLI, which start it; a crash or a hang in the
// plugin then ends this process, not theirs. It speaks roofline/worker_protocol.h on fd 3 and leaves stdout and
// stderr to the plugin's libraries.

#include "roofline/plugin_host/worker_protocol.h"
#include "roofline/plugin_host/worker_server.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int main(int argc, char** argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--serve") != 0) {
        std::fprintf(stderr, "roofline-worker runs a Roofline Lab plugin for roofline and roofline-lab, which start it;\n"
                             "it is not meant to be run by hand (usage: roofline-worker --serve [--parent PID], fd %d open).\n",
                     roofline::worker::kChannelFd);
        return 2;
    }
    // Ctrl-C in a terminal reaches the whole process group: the host decides when a case stops, and says so on
    // the socket.
    std::signal(SIGINT, SIG_IGN);
#ifdef __linux__
    // A host killed outright leaves no one to read the socket: go with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (argc >= 4 && std::strcmp(argv[2], "--parent") == 0 && ::getppid() != static_cast<pid_t>(std::atol(argv[3])))
        return 0; // the host was gone before the line above took effect
#endif
    if (::fcntl(roofline::worker::kChannelFd, F_GETFD) < 0) {
        std::fprintf(stderr, "roofline-worker: fd %d is not open: start it from roofline or roofline-lab\n", roofline::worker::kChannelFd);
        return 2;
    }
    return roofline::worker::serve(roofline::worker::kChannelFd);
}
