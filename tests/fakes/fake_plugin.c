/*
 * Broken and minimal plugins for tst_plugin_loader: one source, one behaviour per FAKE_* definition
 * (see CMakeLists.txt). Each is a real shared object, so the loader meets them exactly as it meets a plugin.
 */
#define _DEFAULT_SOURCE /* nanosleep, S_ISSOCK under -std=c11 */
#include "roofline/abi/plugin_abi.h"

#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The kinds that run cases (for the worker's tests): they time nothing real, but sample like a plugin does. */
#if defined(FAKE_RUNS) || defined(FAKE_SEGFAULT) || defined(FAKE_ABORT) || defined(FAKE_HANG) || defined(FAKE_GARBAGE)
#define FAKE_RUNNER 1
#endif
/* A case with m == 13 is the one where a faulty kind fails; every other case runs. */
#define FAKE_FAULT_M 13

struct rl_device {
    int index;
};

static struct rl_device g_device;

static void write_text(char* buffer, size_t size, const char* text)
{
    if (buffer && size > 0)
        snprintf(buffer, size, "%s", text);
}

static int32_t fake_device_count(char* message, size_t message_size)
{
#if defined(FAKE_NO_DEVICE)
    write_text(message, message_size, "no fake device");
    return 0;
#else
    write_text(message, message_size, "");
    return 1;
#endif
}

static rl_status fake_open(int32_t device_index, rl_device** out_device, char* message, size_t message_size)
{
    if (device_index != 0) {
        write_text(message, message_size, "the fake plugin has one device");
        return RL_STATUS_NO_DEVICE;
    }
    g_device.index = device_index;
    *out_device = &g_device;
    return RL_STATUS_OK;
}

static rl_status fake_describe(rl_device* device, rl_device_info* out)
{
    if (!device || !out || out->struct_size < sizeof(rl_device_info))
        return RL_STATUS_INVALID_ARGUMENT;
    write_text(out->backend, sizeof out->backend, "fake");
    write_text(out->name, sizeof out->name, "Fake Device");
    out->multiprocessor_count = 1;
    out->memory_bytes = 1u << 20;
    return RL_STATUS_OK;
}

#if defined(FAKE_ABI_V1)
/* rl_result as ABI 1 knew it ended: where ABI 2's gemm_library begins. */
#define FAKE_V1_RESULT_SIZE offsetof(rl_result, gemm_library)

__attribute__((unused)) static rl_status fake_supports(rl_device* device, const rl_case* c, char* reason, size_t reason_size)
{
    (void)device;
    write_text(reason, reason_size, "");
    return c && c->kernel == RL_KERNEL_GEMM ? RL_STATUS_OK : RL_STATUS_UNSUPPORTED;
}

/* A GEMM "measured" at 1 µs per MFLOP. The result is built whole, with junk past ABI 1's end, then written only as
 * far as ABI 1's struct reached: a host that reads past it would see the junk. */
static rl_status fake_run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user_data, rl_result* out)
{
    (void)device;
    (void)stop;
    (void)stop_user_data;
    if (!out || !c || out->struct_size < FAKE_V1_RESULT_SIZE)
        return RL_STATUS_INVALID_ARGUMENT;
    rl_result r;
    memset(&r, 0x4d, sizeof r);
    r.struct_size = out->struct_size; /* as plugin_abi_rules.h's write_struct leaves it: the caller's own size */
    r.status = RL_STATUS_OK;
    r.samples = 10;
    r.median_time_us = 2.0 * (double)c->m * (double)c->n * (double)c->k / 1e6;
    r.min_time_us = r.max_time_us = r.mean_time_us = r.median_time_us;
    r.stdev_time_us = 0;
    r.bytes_moved = 0;
    r.sm_clock_mhz = 0;
    r.throttled = 0;
    r.verified = 0;
    r.max_rel_error = 0;
    r.tolerance = 0;
    write_text(r.algorithm, sizeof r.algorithm, "fake gemm of ABI 1");
    write_text(r.message, sizeof r.message, "");
    memcpy(out, &r, FAKE_V1_RESULT_SIZE);
    return RL_STATUS_OK;
}

#elif defined(FAKE_RUNNER)
__attribute__((unused)) static rl_status fake_supports(rl_device* device, const rl_case* c, char* reason, size_t reason_size)
{
    (void)device;
    (void)c;
    write_text(reason, reason_size, "");
    return RL_STATUS_OK;
}

static void sleep_us(int64_t us)
{
    struct timespec t = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&t, &t) != 0) {
    }
}

/* Writes bytes that are no frame to every socket this process has open: what a plugin that scribbles on file
 * descriptors does to the worker's channel. */
__attribute__((unused)) static void scribble_on_sockets(void)
{
    static const char junk[] = "\x13\x37garbage from the plugin, not a frame\xff\xfe";
    for (int fd = 3; fd < 256; ++fd) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
            ssize_t ignored = write(fd, junk, sizeof junk);
            (void)ignored;
        }
    }
}

static void fault(void)
{
#if defined(FAKE_SEGFAULT)
    fprintf(stderr, "fake plugin: about to write through a null pointer\n");
    fflush(stderr);
    *(volatile int*)(uintptr_t)0 = 1;
#elif defined(FAKE_ABORT)
    fprintf(stderr, "fake plugin: an assertion failed, aborting\n");
    fflush(stderr);
    abort();
#elif defined(FAKE_HANG)
    fprintf(stderr, "fake plugin: hanging, and not polling stop\n");
    fflush(stderr);
    for (;;)
        pause();
#elif defined(FAKE_GARBAGE)
    scribble_on_sockets();
#endif
}

/* Samples: c->min_samples of them (10 if unset), each c->k microseconds long, polling stop after each. */
static rl_status fake_run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user_data, rl_result* out)
{
    (void)device;
    /* Logging to stdout, as CUDA and cuDNN may: the worker's channel must not care. */
    printf("fake plugin: running a case with m=%lld\n", (long long)c->m);
    fflush(stdout);
    if (c->m == FAKE_FAULT_M)
        fault();
    const int32_t wanted = c->min_samples > 0 ? c->min_samples : 10;
    const int64_t sample_us = c->k > 0 ? c->k : 1;
    int32_t taken = 0;
    rl_status status = RL_STATUS_OK;
    while (taken < wanted) {
        if (c->k > 1)
            sleep_us(sample_us);
        ++taken;
        if (stop && stop(stop_user_data)) {
            status = RL_STATUS_CANCELLED;
            break;
        }
    }
    out->samples = taken;
    out->median_time_us = out->min_time_us = out->max_time_us = out->mean_time_us = (double)sample_us;
    out->stdev_time_us = 0;
    write_text(out->algorithm, sizeof out->algorithm, "fake sleep");
    write_text(out->message, sizeof out->message, status == RL_STATUS_OK ? "fake note" : "stopped");
    return status;
}
#else
__attribute__((unused)) static rl_status fake_supports(rl_device* device, const rl_case* c, char* reason, size_t reason_size)
{
    (void)device;
    (void)c;
    write_text(reason, reason_size, "the fake plugin runs nothing");
    return RL_STATUS_UNSUPPORTED;
}

static rl_status fake_run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user_data, rl_result* out)
{
    (void)device;
    (void)c;
    (void)stop;
    (void)stop_user_data;
    if (out)
        write_text(out->message, sizeof out->message, "the fake plugin runs nothing");
    return RL_STATUS_UNSUPPORTED;
}
#endif

static void fake_close(rl_device* device)
{
    (void)device;
}

#if defined(FAKE_ABI_999)
#define FAKE_ABI 999u
#elif defined(FAKE_ABI_V1)
#define FAKE_ABI 1u
#else
#define FAKE_ABI ROOFLINE_PLUGIN_ABI_VERSION
#endif

#if defined(FAKE_SHORT_TABLE)
/* A table from an "older" ABI: it claims to end before `close`. */
#define FAKE_TABLE_SIZE ((uint32_t)offsetof(rl_plugin_api, close))
#else
#define FAKE_TABLE_SIZE ((uint32_t)sizeof(rl_plugin_api))
#endif

static const rl_plugin_api kFakeApi = {
    FAKE_TABLE_SIZE, FAKE_ABI, "fake", "0.0-test",
    &fake_device_count, &fake_open, &fake_describe,
#if defined(FAKE_NULL_FUNCTION)
    NULL, /* supports */
#else
    &fake_supports,
#endif
    &fake_run, &fake_close,
};

#if defined(FAKE_NO_ENTRY)
/* Exports a symbol, just not the entry point. */
ROOFLINE_PLUGIN_EXPORT int roofline_plugin_entry_misspelt(void)
{
    return kFakeApi.abi_version != 0;
}
#else
ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version)
{
    (void)host_abi_version;
#if defined(FAKE_NULL_TABLE)
    return NULL;
#elif defined(FAKE_ABI_V1)
    /* Built before version 2: it knows no other version, so the host must come down to 1. */
    return host_abi_version == 1u ? &kFakeApi : NULL;
#else
    return &kFakeApi;
#endif
}
#endif
