/*
 * Roofline Lab benchmark plugin ABI (plain C).
 *
 * A plugin is a shared object that exports one symbol, `roofline_plugin_entry`, which returns a table of
 * functions. The host (app, CLI) opens it with dlopen at run time, so neither links CUDA or cuBLAS.
 *
 * Rules of the boundary:
 *  - Every struct starts with `struct_size`; the caller sets it to sizeof(struct) as it knows it. A plugin
 *    writes only the fields that fit in the caller's size, so an older host keeps working with a newer plugin.
 *  - Errors come back as rl_status values plus a message written into a caller-owned buffer.
 *    No C++ exception crosses the boundary: every entry point catches everything.
 *  - Strings written by the plugin are NUL-terminated and truncated to the buffer size.
 *  - Calls on one rl_device are made from one thread at a time; `run` may take long and polls `stop`.
 */
#ifndef ROOFLINE_PLUGIN_ABI_H
#define ROOFLINE_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any change that an old host or plugin could misread. */
#define ROOFLINE_PLUGIN_ABI_VERSION 1u
#define ROOFLINE_PLUGIN_ENTRY_SYMBOL "roofline_plugin_entry"

#if defined(_WIN32)
#define ROOFLINE_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ROOFLINE_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

typedef enum rl_status {
    RL_STATUS_OK = 0,
    RL_STATUS_UNSUPPORTED = 1,  /* the device or library cannot run this case; message says why */
    RL_STATUS_SKIPPED = 2,      /* could run, but not now (e.g. does not fit in free memory) */
    RL_STATUS_FAILED = 3,       /* a library or driver call failed; message names the call */
    RL_STATUS_CANCELLED = 4,    /* the stop callback asked to stop; partial samples are reported */
    RL_STATUS_NO_DEVICE = 5,    /* no usable device (no driver, no GPU, index out of range) */
    RL_STATUS_INVALID_ARGUMENT = 6,
    RL_STATUS_WRONG_RESULT = 7  /* ran, but the product did not match the reference: never a timing */
} rl_status;

/* Same order and values as roofline::Precision in core/include/roofline/precision.h. */
typedef enum rl_precision {
    RL_PRECISION_FP64 = 0,
    RL_PRECISION_FP32 = 1,
    RL_PRECISION_TF32 = 2,
    RL_PRECISION_BF16 = 3,
    RL_PRECISION_FP16 = 4,
    RL_PRECISION_FP8_E4M3 = 5,
    RL_PRECISION_FP8_E5M2 = 6,
    RL_PRECISION_MXFP8 = 7,
    RL_PRECISION_NVFP4 = 8,
    RL_PRECISION_MXFP4 = 9,
    RL_PRECISION_INT8 = 10,
    RL_PRECISION_INT4 = 11
} rl_precision;

typedef enum rl_kernel {
    /* y[n] = W[n,k] x[k]; shape in (n, k), m ignored. */
    RL_KERNEL_GEMV = 0,
    /* C[m,n] = A[m,k] B[k,n]. */
    RL_KERNEL_GEMM = 1,
    /* Ceilings (precision ignored). `bytes` is the working-set size [bytes]. */
    RL_KERNEL_DRAM_READ = 100,  /* read `bytes` once; bytes_moved = bytes */
    RL_KERNEL_DRAM_COPY = 101,  /* copy `bytes` to another buffer; bytes_moved = 2 * bytes */
    RL_KERNEL_L2_READ = 102,    /* re-read a buffer that fits in L2 (host picks bytes <= L2 / 2) */
    RL_KERNEL_LAUNCH = 103      /* an empty kernel/task: the fixed cost of one launch */
} rl_kernel;

typedef enum rl_cache_mode {
    RL_CACHE_COLD = 0,  /* caches flushed and inputs rotated before every sample */
    RL_CACHE_WARM = 1   /* the same inputs every sample, caches left as the previous sample left them */
} rl_cache_mode;

typedef struct rl_device_info {
    uint32_t struct_size;
    char backend[16];           /* "cuda", "cpu" */
    char name[256];             /* "NVIDIA H100 80GB HBM3", "AMD EPYC ..." */
    int32_t compute_capability_major;  /* 0 on the CPU plugin */
    int32_t compute_capability_minor;
    int32_t multiprocessor_count;      /* SMs, or CPU cores used */
    uint64_t memory_bytes;             /* device memory (or host RAM) */
    uint64_t l2_cache_bytes;
    int32_t max_sm_clock_mhz;
    int32_t max_memory_clock_mhz;
    int32_t memory_bus_width_bits;
    char driver_version[64];
    char runtime_version[64];
    char library_version[128];  /* cuBLAS / BLAS vendor and version */
} rl_device_info;

typedef struct rl_case {
    uint32_t struct_size;
    int32_t kernel;       /* rl_kernel */
    int32_t precision;    /* rl_precision (GEMV/GEMM only) */
    int32_t cache_mode;   /* rl_cache_mode */
    int64_t m, n, k;      /* GEMM: m, n, k. GEMV: n, k (m ignored). */
    uint64_t bytes;       /* ceilings: working set [bytes] */
    double time_budget_s; /* stop sampling once this much wall time is spent (after min_samples) */
    int32_t min_samples;  /* at least this many timed samples (10 unless the host says otherwise) */
    int32_t max_samples;  /* at most this many */
    double target_rel_spread;  /* stop once (stdev / median) of the samples is <= this, e.g. 0.01 */
    uint64_t seed;        /* random inputs are drawn from this seed */
} rl_case;

typedef struct rl_result {
    uint32_t struct_size;
    int32_t status;               /* rl_status */
    int32_t samples;              /* timed samples taken */
    double median_time_us;
    double min_time_us;
    double max_time_us;
    double mean_time_us;
    double stdev_time_us;
    double bytes_moved;           /* ceilings: bytes the kernel moved per sample [bytes]; else 0 */
    double sm_clock_mhz;          /* SM clock read during the run (0 if unknown) */
    int32_t throttled;            /* 1 if the clock dropped or a throttle reason was set during the run */
    int32_t verified;             /* 1 if the result was checked against a reference and passed */
    double max_rel_error;         /* relative error of the checked product, ||out - ref|| / ||ref|| */
    double tolerance;             /* the tolerance that error was held against */
    char algorithm[256];          /* what ran: "cublasLt algo 6 tile 128x256 stages 4 (3 of 8 timed)" */
    char message[1024];           /* reason for anything but OK; notes otherwise */
} rl_result;

/* Return non-zero to ask the plugin to stop after the current sample. May be called from the plugin's thread. */
typedef int (*rl_stop_fn)(void* user_data);

typedef struct rl_device rl_device; /* opaque, owned by the plugin */

typedef struct rl_plugin_api {
    uint32_t struct_size;
    uint32_t abi_version;          /* ROOFLINE_PLUGIN_ABI_VERSION the plugin was built with */
    const char* plugin_name;       /* "cuda", "cpu" */
    const char* plugin_version;    /* the project version it was built from */

    /* Number of devices this plugin can open; 0 with a message if none (no driver, no GPU). */
    int32_t (*device_count)(char* message, size_t message_size);
    rl_status (*open)(int32_t device_index, rl_device** out_device, char* message, size_t message_size);
    rl_status (*describe)(rl_device* device, rl_device_info* out_info);
    /* RL_STATUS_OK if `run` can run this case; otherwise UNSUPPORTED/SKIPPED with the reason. */
    rl_status (*supports)(rl_device* device, const rl_case* c, char* reason, size_t reason_size);
    rl_status (*run)(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user_data,
                     rl_result* out_result);
    void (*close)(rl_device* device);
} rl_plugin_api;

/* The one exported entry point. The host passes the ABI version it speaks and checks `abi_version` of the
 * table it gets back; a plugin that cannot serve that version at all returns NULL. The table lives as long
 * as the shared object stays loaded. */
typedef const rl_plugin_api* (*rl_plugin_entry_fn)(uint32_t host_abi_version);

ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* ROOFLINE_PLUGIN_ABI_H */
