#pragma once
// The worker's side of the protocol (roofline/worker_protocol.h): what roofline-worker runs.

namespace roofline::worker {

// Serves requests on `channel_fd` until the host quits or goes away: says Hello, opens the plugin's device in
// this process when asked, and answers Supports and Run; a Stop that arrives during a Run ends it after the
// current sample. Returns the exit status: 0 when the host quit or went away, 3 when a request was not the
// protocol (the host is told why first).
int serve(int channel_fd);

} // namespace roofline::worker
