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
 *  - Versions: a version step only appends fields (and enum values). The host asks for its own version first,
 *    then each older one; a plugin serves any host version from 1 to its own and reports its own in
 *    `abi_version`. A host zero-fills (or defaults) the fields an older plugin does not write.
 *
 * History:
 *  1  GEMV, GEMM and the ceilings.
 *  2  rl_result gains the GEMM configuration that ran (library, algorithm, tile, stages, split-K).
 *  3  rl_case gains attention's dimensions and the causal and gated flags (RL_KERNEL_ATTENTION, RL_KERNEL_FFN);
 *     rl_result gains the cuDNN version and engine.
 *  4  rl_device_info gains the engine and its build flags; rl_case gains the weights' own storage (weight_format, weight_type: a ggml type such as Q4_K beside the
 *     activations' `precision`) and the experts of RL_KERNEL_EXPERT_GEMM; rl_result gains the engine, the op and the
 *     kernel path that ran, the weight storage it ran (the plugin's echo of the case's, so that a host can tell a
 *     plugin that ignored it) and the ops timed in one graph. A plugin that does not run a weight format leaves
 *     the echo at RL_WEIGHT_FORMAT_PRECISION and the host refuses its row.
 */
#ifndef ROOFLINE_PLUGIN_ABI_H
#define ROOFLINE_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any change that an old host or plugin could misread. */
#define ROOFLINE_PLUGIN_ABI_VERSION 4u
/* The oldest version a host or plugin of this build still serves. */
#define ROOFLINE_PLUGIN_ABI_OLDEST 1u
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

/* Same order and values as roofline::Precision in core/model/include/roofline/model/precision.h. */
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
    /* ABI 3. softmax(scale · Q Kᵀ) V per head: Q, O [batch, heads, query_len, head_dim]; K, V [batch, kv_heads,
     * kv_len, head_dim]; kv_heads < heads is grouped-query attention. With `causal`, query i (counted from the end
     * of the keys) sees keys up to its own position; `window` > 0 limits each query to that many keys. */
    RL_KERNEL_ATTENTION = 2,
    /* ABI 3. A transformer MLP on m tokens, hidden k, intermediate n. gated: one fused gate+up GEMM (N = 2n),
     * SiLU(gate)·up, the down GEMM; plain: up GEMM, GELU, down GEMM. Timed as a whole; the parts in the note. */
    RL_KERNEL_FFN = 3,
    /* ABI 4. A mixture-of-experts layer's expert products (ggml's MUL_MAT_ID): m tokens, each through `experts_used`
     * of `experts` experts' weights [n, k] (the router's choice, drawn from the seed, spread evenly). */
    RL_KERNEL_EXPERT_GEMM = 4,
    /* The elementwise kernels of a layer (no version step: an older plugin answers UNSUPPORTED). precision is the
     * activations' precision. */
    RL_KERNEL_RMSNORM = 10,     /* m rows of width n; gated = 1: fused residual add + norm */
    RL_KERNEL_ROPE = 11,        /* m tokens, n heads (q + kv), k head_dim, in place */
    RL_KERNEL_RESIDUAL = 12,    /* y = a + b over n elements */
    RL_KERNEL_ACTIVATION = 13,  /* m tokens, width n; gated = 1: SiLU(gate)·up from [m, 2n]; 0: GELU over [m, n] */
    RL_KERNEL_TOPK = 14,        /* m tokens, n experts, top k: softmax of the router logits and the k largest */
    RL_KERNEL_EMBEDDING = 15,   /* m tokens gather rows of width k from a table of n rows */
    /* Ceilings (precision ignored). `bytes` is the working-set size [bytes]. */
    RL_KERNEL_DRAM_READ = 100,  /* read `bytes` once; bytes_moved = bytes */
    RL_KERNEL_DRAM_COPY = 101,  /* copy `bytes` to another buffer; bytes_moved = 2 * bytes */
    RL_KERNEL_L2_READ = 102,    /* re-read a buffer that fits in L2 (host picks bytes <= L2 / 2) */
    RL_KERNEL_LAUNCH = 103,     /* an empty kernel/task: the fixed cost of one launch */
    /* The gap between dependent kernels: a chain of m (default 64) empty kernels on one stream; the time is per
     * kernel. EAGER launches each from the host; GRAPH replays the chain captured in a CUDA graph. */
    RL_KERNEL_LAUNCH_CHAIN_EAGER = 104,
    RL_KERNEL_LAUNCH_CHAIN_GRAPH = 105
} rl_kernel;

/* ABI 2. The library whose kernel won a GEMM/GEMV race. */
typedef enum rl_gemm_library {
    RL_GEMM_LIBRARY_UNKNOWN = 0,   /* not a GEMM, or an older plugin */
    RL_GEMM_LIBRARY_CUBLASLT = 1,  /* cublasLtMatmul with a heuristic's algorithm (algo fields below are set) */
    RL_GEMM_LIBRARY_CUBLAS = 2,    /* cublasGemmEx / cublasGemv: the library chose internally, no config to read */
    RL_GEMM_LIBRARY_BLAS = 3,      /* a host BLAS (the CPU plugin) */
    RL_GEMM_LIBRARY_GGML = 4       /* ABI 4: ggml's own kernels (the ggml plugin); kernel_path says which, where known */
} rl_gemm_library;

/* ABI 4. How the weights of a case are stored. */
typedef enum rl_weight_format {
    RL_WEIGHT_FORMAT_PRECISION = 0, /* in the case's precision, like the activations (every case before ABI 4) */
    RL_WEIGHT_FORMAT_GGML = 1       /* in the ggml type `weight_type` (enum ggml_type's value: Q4_K = 12, F16 = 1) */
} rl_weight_format;

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
    /* ABI 4: an engine plugin's engine, exactly (the ggml plugin: version, commit, backend; its build flags). */
    char engine[128];           /* "ggml 0.21.0 (d99724f) CPU"; "" for a library plugin */
    char engine_build[512];     /* "CPU: AVX2=1 FMA=1 …; CUDA: ARCHS=… FORCE_MMQ=0 …" */
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
    /* ABI 3: attention (RL_KERNEL_ATTENTION) and the flags of FFN and elementwise kinds. */
    int64_t batch, heads, kv_heads, query_len, kv_len, head_dim;
    int64_t window;       /* sliding window [keys]; 0: none */
    int32_t causal;       /* attention: 1 causal mask */
    int32_t gated;        /* FFN and ACTIVATION: 1 gated (SwiGLU); RMSNORM: 1 fused residual add */
    /* ABI 4. The weights' storage where it is not `precision` (which then names the activations: llama.cpp passes
     * F32), for GEMV, GEMM and EXPERT_GEMM; attention's K and V cache for ATTENTION; the table of EMBEDDING. */
    int32_t weight_format; /* rl_weight_format */
    int32_t weight_type;   /* RL_WEIGHT_FORMAT_GGML: a ggml_type value */
    int64_t experts;       /* EXPERT_GEMM: experts in the layer */
    int64_t experts_used;  /* EXPERT_GEMM: experts each token goes through */
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
    /* ABI 2: the configuration that ran a GEMM or GEMV (what `algorithm` says, as fields). */
    int32_t gemm_library;         /* rl_gemm_library */
    int32_t algo_id;              /* cuBLASLt algorithm id; -1 where there is none (cublasGemmEx, BLAS) */
    int32_t tile_m, tile_n, tile_k; /* the CTA tile; 0 where the library reports it undefined or auto */
    int32_t stages;               /* pipeline stages; 0 undefined or auto */
    int32_t split_k;              /* K split into this many slices; 1: none; 0: unknown */
    int32_t reduction_scheme;     /* cublasLtReductionScheme_t of a split-K (0: none or in place) */
    int32_t cluster_m, cluster_n; /* thread-block cluster of an sm_90+ kernel; 0 unknown or auto */
    int32_t candidates_timed;     /* how many candidates the race timed; 0 unknown */
    /* ABI 3: attention. */
    int32_t cudnn_version;        /* cudnnGetVersion() of the library that ran it (91400 = 9.14.0); 0 none */
    int64_t engine_id;            /* the cuDNN engine (global index) the heuristics chose; -1 none */
    /* ABI 4: an engine's op (the ggml plugin). */
    char engine[128];             /* "ggml 0.21.0 (d99724f) CUDA0": the engine, its version and backend; "" none */
    char op[32];                  /* the engine's op: "MUL_MAT", "FLASH_ATTN_EXT"; "" none */
    char kernel_path[64];         /* which of the engine's kernels ran, where the engine tells ("CPU_REPACK"); "" unknown */
    int32_t weight_format;        /* the case's weight_format and weight_type as run; PRECISION from a plugin that */
    int32_t weight_type;          /* ran the case's precision only (an older one, or one without weight formats) */
    int32_t graph_ops;            /* the ops one timed graph held (the time is per op: the graph's / graph_ops); 0 none */
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
 * table it gets back; a plugin that cannot serve that version at all returns NULL (the host then asks again
 * with an older version). A plugin serves every host version from ROOFLINE_PLUGIN_ABI_OLDEST to its own. The table lives as long
 * as the shared object stays loaded. */
typedef const rl_plugin_api* (*rl_plugin_entry_fn)(uint32_t host_abi_version);

ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* ROOFLINE_PLUGIN_ABI_H */
