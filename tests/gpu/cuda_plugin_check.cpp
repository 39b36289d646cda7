// cuda_plugin_check: the CUDA plugin's cases through the raw ABI, as a table, without Qt. For GPU machines where
// the Qt test cannot be built. Exit status 0 if every case came back as expected, 1 if not, 2 if the plugin
// could not be loaded. With no GPU it prints the plugin's reason and exits 0.
//
//   cuda_plugin_check            the full table (GEMM/GEMV per precision, peak-size GEMMs, ceilings, edge cases)
//   cuda_plugin_check --quick    a few small cases with few samples (for compute-sanitizer)

#include "cuda_plugin_client.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace rl_test;

namespace {

struct Expectation {
    int status = RL_STATUS_OK;
    bool verified = true;
    int min_samples = 1;
    const char* message_contains = nullptr;
    // UNSUPPORTED with this in the message is as expected too (attention without cuDNN on this machine).
    const char* unsupported_if = nullptr;
};

struct Row {
    std::string label;
    rl_case c;
    Expectation expect;
    int stop_after_polls = 0; // > 0: the stop callback asks to stop on this poll
};

struct StopCounter {
    int polls = 0;
    int stop_after = 0;
};

int stop_callback(void* user)
{
    auto* s = static_cast<StopCounter*>(user);
    return ++s->polls >= s->stop_after ? 1 : 0;
}

const char* precision_label(int p)
{
    static const char* names[] = {"FP64", "FP32", "TF32", "BF16", "FP16", "FP8_E4M3", "FP8_E5M2", "MXFP8", "NVFP4",
                                  "MXFP4", "INT8", "INT4"};
    return p >= 0 && p < 12 ? names[p] : "?";
}

std::string shape_label(const rl_case& c)
{
    const char* cache = c.cache_mode == RL_CACHE_COLD ? "cold" : "warm";
    char text[128];
    if (c.kernel == RL_KERNEL_GEMM)
        std::snprintf(text, sizeof(text), "GEMM %lldx%lldx%lld %s %s", static_cast<long long>(c.m),
                      static_cast<long long>(c.n), static_cast<long long>(c.k), precision_label(c.precision), cache);
    else if (c.kernel == RL_KERNEL_GEMV)
        std::snprintf(text, sizeof(text), "GEMV %lldx%lld %s %s", static_cast<long long>(c.n),
                      static_cast<long long>(c.k), precision_label(c.precision), cache);
    else if (c.kernel == RL_KERNEL_ATTENTION)
        std::snprintf(text, sizeof(text), "attn b%lld h%lld/%lld q%lld kv%lld d%lld%s %s %s",
                      static_cast<long long>(c.batch), static_cast<long long>(c.heads),
                      static_cast<long long>(c.kv_heads), static_cast<long long>(c.query_len),
                      static_cast<long long>(c.kv_len), static_cast<long long>(c.head_dim), c.causal ? " causal" : "",
                      precision_label(c.precision), cache);
    else if (c.kernel == RL_KERNEL_FFN)
        std::snprintf(text, sizeof(text), "FFN %s %lldx%lldx%lld %s %s", c.gated ? "gated" : "plain",
                      static_cast<long long>(c.m), static_cast<long long>(c.k), static_cast<long long>(c.n),
                      precision_label(c.precision), cache);
    else if (c.kernel >= RL_KERNEL_RMSNORM && c.kernel <= RL_KERNEL_EMBEDDING) {
        static const char* kinds[] = {"RMSNorm", "RoPE", "residual", "activation", "top-k", "embedding"};
        std::snprintf(text, sizeof(text), "%s%s %lldx%lldx%lld %s %s", kinds[c.kernel - RL_KERNEL_RMSNORM],
                      c.gated ? " gated" : "", static_cast<long long>(c.m), static_cast<long long>(c.n),
                      static_cast<long long>(c.k), precision_label(c.precision), cache);
    } else if (c.kernel == RL_KERNEL_LAUNCH_CHAIN_EAGER || c.kernel == RL_KERNEL_LAUNCH_CHAIN_GRAPH)
        std::snprintf(text, sizeof(text), "launch chain %lld %s", static_cast<long long>(c.m),
                      c.kernel == RL_KERNEL_LAUNCH_CHAIN_EAGER ? "eager" : "graph");
    else {
        const char* kind = c.kernel == RL_KERNEL_DRAM_READ   ? "DRAM read"
                           : c.kernel == RL_KERNEL_DRAM_COPY ? "DRAM copy"
                           : c.kernel == RL_KERNEL_L2_READ   ? "L2 read"
                                                             : "launch";
        std::snprintf(text, sizeof(text), "%s %.1f MB %s", kind, static_cast<double>(c.bytes) / 1e6, cache);
    }
    return text;
}

// Attention and FFN: decode and prefill shapes of real models (Llama 3 8B/70B heads, Gemma's d256), BHSD.
void add_llm_rows(std::vector<Row>& rows, bool quick)
{
    Expectation attention;
    attention.min_samples = quick ? 1 : 10;
    attention.unsupported_if = "cuDNN not found";
    Expectation version_dependent = attention; // d256 and windows: OK, or UNSUPPORTED by the cuDNN version
    version_dependent.status = -1;
    Expectation ffn;
    ffn.min_samples = quick ? 1 : 10;
    const auto attn = [](rl_precision p, AttentionDims d, rl_cache_mode cache = RL_CACHE_COLD) {
        return make_attention(p, d, cache);
    };
    if (quick) {
        rows.push_back({"", attn(RL_PRECISION_BF16, {2, 8, 2, 1, 512, 128, true}), attention});
        rows.push_back({"", attn(RL_PRECISION_FP16, {1, 4, 4, 128, 128, 64, true}), attention});
        rows.push_back({"", attn(RL_PRECISION_BF16, {1, 4, 2, 64, 320, 128, true}, RL_CACHE_WARM), attention});
        rows.push_back({"", attn(RL_PRECISION_BF16, {1, 4, 4, 96, 96, 64, false}), attention});
        rows.push_back({"window 32", attn(RL_PRECISION_BF16, {1, 4, 2, 128, 128, 64, true, 32}), version_dependent});
        rows.push_back(
            {"decode window 256", attn(RL_PRECISION_BF16, {2, 4, 2, 1, 2048, 64, false, 256}), version_dependent});
        rows.push_back({"", make_ffn(RL_PRECISION_BF16, 16, 256, 1024, true), ffn});
        rows.push_back({"", make_ffn(RL_PRECISION_FP16, 32, 256, 512, false, RL_CACHE_WARM), ffn});
        rows.push_back({"", make_ffn(RL_PRECISION_FP32, 5, 128, 100, true), ffn});
        rows.push_back({"attn bad heads", attn(RL_PRECISION_BF16, {1, 6, 4, 1, 64, 64, false}),
                        Expectation{RL_STATUS_INVALID_ARGUMENT, false, 0, "kv_heads"}});
        return;
    }
    for (rl_precision p : {RL_PRECISION_BF16, RL_PRECISION_FP16}) {
        rows.push_back({"", attn(p, {1, 32, 8, 1, 8192, 128, true}), attention});
        rows.push_back({"", attn(p, {64, 32, 8, 1, 4096, 128, true}), attention});
        rows.push_back({"", attn(p, {1, 32, 8, 4096, 4096, 128, true}), attention});
        rows.push_back({"", attn(p, {4, 64, 8, 1024, 1024, 128, true}), attention});
        rows.push_back({"", attn(p, {1, 16, 16, 2048, 2048, 64, true}), attention});
    }
    rows.push_back({"", attn(RL_PRECISION_BF16, {1, 32, 8, 512, 8192, 128, true}), attention});
    rows.push_back({"", attn(RL_PRECISION_BF16, {16, 32, 8, 1, 4096, 128, true}, RL_CACHE_WARM), attention});
    rows.push_back({"", attn(RL_PRECISION_BF16, {8, 16, 8, 1, 4096, 256, false}), version_dependent});
    rows.push_back({"", attn(RL_PRECISION_BF16, {1, 16, 8, 2048, 2048, 256, true}), version_dependent});
    rows.push_back(
        {"window 4096", attn(RL_PRECISION_BF16, {1, 32, 8, 8192, 8192, 128, true, 4096}), version_dependent});
    rows.push_back({"", attn(RL_PRECISION_FP8_E4M3, {1, 32, 8, 1, 4096, 128, true}),
                    Expectation{RL_STATUS_UNSUPPORTED, false, 0, "FP8"}});
    for (int64_t tokens : {1, 16, 256, 4096}) {
        rows.push_back({"", make_ffn(RL_PRECISION_BF16, tokens, 4096, 14336, true), ffn});
        rows.push_back({"", make_ffn(RL_PRECISION_FP16, tokens, 4096, 14336, true), ffn});
    }
    rows.push_back({"", make_ffn(RL_PRECISION_BF16, 512, 4096, 14336, true, RL_CACHE_WARM), ffn});
    rows.push_back({"", make_ffn(RL_PRECISION_BF16, 512, 4096, 16384, false), ffn});
}

// The elementwise kinds of a layer at Llama-3.1-8B widths over `tokens` tokens (an embedding table of `vocab` rows),
// and the launch chains.
void add_layer_rows(std::vector<Row>& rows, int64_t tokens, int64_t vocab, const Expectation& ok)
{
    const auto layer = [&](rl_kernel kernel, rl_precision p, int64_t m, int64_t n, int64_t k, bool gated) {
        rows.push_back({"", roofline::abi::make_case(kernel, p, {.m = m, .n = n, .k = k, .gated = gated},
                                                     RL_CACHE_COLD, kTestSampling),
                        ok});
    };
    for (const rl_precision p : {RL_PRECISION_BF16, RL_PRECISION_FP16, RL_PRECISION_FP32}) {
        layer(RL_KERNEL_RMSNORM, p, tokens, 4096, 0, false);
        layer(RL_KERNEL_RMSNORM, p, tokens, 4096, 0, true);
        layer(RL_KERNEL_ROPE, p, tokens, 40, 128, false);
        layer(RL_KERNEL_RESIDUAL, p, 0, tokens * 4096 + 5, 0, false);
        layer(RL_KERNEL_ACTIVATION, p, tokens, 14336, 0, true);
        layer(RL_KERNEL_ACTIVATION, p, tokens, 14336, 0, false);
        layer(RL_KERNEL_TOPK, p, tokens, 128, 8, false);
        layer(RL_KERNEL_EMBEDDING, p, tokens, vocab, 4096, false);
    }
    layer(RL_KERNEL_RMSNORM, RL_PRECISION_BF16, 3, 4099, 0, true); // the scalar paths
    layer(RL_KERNEL_ROPE, RL_PRECISION_FP16, 5, 3, 10, false);
    Expectation chain = ok;
    chain.verified = false;
    for (const rl_kernel kernel : {RL_KERNEL_LAUNCH_CHAIN_EAGER, RL_KERNEL_LAUNCH_CHAIN_GRAPH}) {
        rl_case c = make_ceiling(kernel, 0, RL_CACHE_WARM);
        c.m = 64;
        rows.push_back({"", c, chain});
    }
}

std::vector<Row> full_plan(int cc, uint64_t l2_bytes)
{
    std::vector<Row> rows;
    const rl_precision dense[] = {RL_PRECISION_FP64, RL_PRECISION_FP32,     RL_PRECISION_TF32,
                                  RL_PRECISION_BF16, RL_PRECISION_FP16,     RL_PRECISION_FP8_E4M3,
                                  RL_PRECISION_FP8_E5M2, RL_PRECISION_INT8};
    for (rl_precision p : dense) {
        const bool fp8 = p == RL_PRECISION_FP8_E4M3 || p == RL_PRECISION_FP8_E5M2;
        Expectation ok;
        ok.min_samples = 10;
        const bool can_run = !fp8 || cc >= 89;
        Expectation fp8_expect = can_run ? ok : Expectation{RL_STATUS_UNSUPPORTED, false, 0, "sm_89"};
        for (int64_t size : {1024, 4096, 8192})
            rows.push_back({"", make_case(RL_KERNEL_GEMM, p, size, size, size), fp8 ? fp8_expect : ok});
        for (int64_t size : {4096, 8192})
            rows.push_back({"", make_case(RL_KERNEL_GEMV, p, 0, size, size), fp8 ? fp8_expect : ok});
    }
    Expectation ok;
    ok.min_samples = 10;
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_BF16, 4096, 4096, 4096, RL_CACHE_WARM), ok});
    rows.push_back({"", make_case(RL_KERNEL_GEMV, RL_PRECISION_BF16, 0, 8192, 8192, RL_CACHE_WARM), ok});
    rows.push_back({"", make_case(RL_KERNEL_GEMV, RL_PRECISION_FP8_E4M3, 0, 8192, 8192), ok});
    // Odd shapes: INT8 needs multiples of 4 (GemmEx may or may not take it), FP8 needs 16-byte rows.
    rows.push_back({"INT8 odd shape", make_case(RL_KERNEL_GEMM, RL_PRECISION_INT8, 1023, 1000, 1022),
                    Expectation{-1, false, 0, nullptr}});
    rows.push_back({"FP8 odd k", make_case(RL_KERNEL_GEMM, RL_PRECISION_FP8_E4M3, 1024, 1024, 1000),
                    Expectation{-1, false, 0, nullptr}});

    const Expectation block_scaled = cc >= 100 ? ok : Expectation{RL_STATUS_UNSUPPORTED, false, 0, "sm_100"};
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_NVFP4, 4096, 4096, 4096), block_scaled});
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_MXFP8, 4096, 4096, 4096), block_scaled});
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_MXFP4, 4096, 4096, 4096),
                    Expectation{RL_STATUS_UNSUPPORTED, false, 0, "MXFP4"}});
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_INT4, 4096, 4096, 4096),
                    Expectation{RL_STATUS_UNSUPPORTED, false, 0, "INT4"}});
    rows.push_back({"huge", make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, 300000, 300000, 300000),
                    Expectation{RL_STATUS_SKIPPED, false, 0, "needs"}});
    rows.push_back({"negative m", make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, -1, 16, 16),
                    Expectation{RL_STATUS_INVALID_ARGUMENT, false, 0, nullptr}});
    rows.push_back({"overflow", make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, int64_t{1} << 40, int64_t{1} << 40, 8),
                    Expectation{RL_STATUS_INVALID_ARGUMENT, false, 0, nullptr}});
    rl_case one_sample = make_case(RL_KERNEL_GEMM, RL_PRECISION_FP64, 4096, 4096, 4096);
    one_sample.time_budget_s = 0.001; // one FP64 4096^3 product takes ~2.6 ms on an H100
    rows.push_back({"sample > budget", one_sample, Expectation{RL_STATUS_OK, true, 1, "longer than the whole time budget"}});
    rl_case long_case = make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, 8192, 8192, 8192);
    long_case.time_budget_s = 120.0;
    long_case.max_samples = 100000;
    long_case.target_rel_spread = 0.0;
    // One poll before the algorithm race, one per round of it (at most 15), then one per sample.
    rows.push_back({"cancel after 20 polls", long_case, Expectation{RL_STATUS_CANCELLED, true, 1, "cancelled"}, 20});

    Expectation ceiling;
    ceiling.min_samples = 10;
    rows.push_back({"", make_ceiling(RL_KERNEL_DRAM_READ, 2ull << 30), ceiling});
    rows.push_back({"", make_ceiling(RL_KERNEL_DRAM_COPY, 2ull << 30), ceiling});
    rows.push_back({"", make_ceiling(RL_KERNEL_DRAM_COPY, 2ull << 30, RL_CACHE_WARM), ceiling});
    rows.push_back({"", make_ceiling(RL_KERNEL_L2_READ, l2_bytes / 2, RL_CACHE_WARM), ceiling});
    rows.push_back({"", make_ceiling(RL_KERNEL_L2_READ, l2_bytes / 4, RL_CACHE_WARM), ceiling});
    Expectation launch;
    launch.verified = false;
    launch.min_samples = 10;
    rows.push_back({"", make_ceiling(RL_KERNEL_LAUNCH, 0, RL_CACHE_WARM), launch});
    rows.push_back({"L2 read too big", make_ceiling(RL_KERNEL_L2_READ, 4 * l2_bytes),
                    Expectation{RL_STATUS_INVALID_ARGUMENT, false, 0, nullptr}});
    add_llm_rows(rows, false);
    add_layer_rows(rows, 4096, 128256, ceiling);
    return rows;
}

std::vector<Row> quick_plan(uint64_t l2_bytes)
{
    std::vector<Row> rows;
    Expectation ok;
    const rl_precision precisions[] = {RL_PRECISION_FP32, RL_PRECISION_TF32, RL_PRECISION_BF16,
                                       RL_PRECISION_FP8_E4M3, RL_PRECISION_FP8_E5M2, RL_PRECISION_INT8};
    for (rl_precision p : precisions) {
        rows.push_back({"", make_case(RL_KERNEL_GEMM, p, 256, 256, 256), ok});
        rows.push_back({"", make_case(RL_KERNEL_GEMV, p, 0, 1024, 1024), ok});
    }
    rows.push_back({"", make_case(RL_KERNEL_GEMM, RL_PRECISION_NVFP4, 256, 256, 256),
                    Expectation{-1, false, 0, nullptr}});
    rows.push_back({"", make_ceiling(RL_KERNEL_DRAM_READ, 64ull << 20), ok});
    rows.push_back({"", make_ceiling(RL_KERNEL_DRAM_COPY, 64ull << 20), ok});
    rows.push_back({"", make_ceiling(RL_KERNEL_L2_READ, l2_bytes / 2, RL_CACHE_WARM), ok});
    rows.push_back({"", make_ceiling(RL_KERNEL_LAUNCH, 0, RL_CACHE_WARM), Expectation{RL_STATUS_OK, false, 1, nullptr}});
    add_llm_rows(rows, true);
    add_layer_rows(rows, 16, 1000, ok);
    for (Row& r : rows) {
        r.c.min_samples = 2;
        r.c.max_samples = 3;
    }
    return rows;
}

bool meets(const Row& row, const rl_result& r, std::string& why)
{
    const Expectation& e = row.expect;
    if (e.unsupported_if && r.status == RL_STATUS_UNSUPPORTED && std::strstr(r.message, e.unsupported_if))
        return true;
    if (e.status >= 0 && r.status != e.status) {
        why = std::string("expected ") + status_name(e.status);
        return false;
    }
    if (e.status < 0 && (r.status == RL_STATUS_FAILED || r.status == RL_STATUS_WRONG_RESULT)) {
        why = "expected OK or UNSUPPORTED";
        return false;
    }
    if (e.message_contains && !std::strstr(r.message, e.message_contains)) {
        why = std::string("message lacks \"") + e.message_contains + "\"";
        return false;
    }
    if (r.status == RL_STATUS_OK || r.status == RL_STATUS_CANCELLED) {
        if (e.verified && !r.verified) {
            why = "not verified";
            return false;
        }
        if (r.samples < e.min_samples) {
            why = "too few samples";
            return false;
        }
        if (r.samples > 0 && !(r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us)) {
            why = "median outside [min, max]";
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    PluginLibrary plugin;
    if (!plugin.load(plugin_path())) {
        std::printf("cannot load the plugin: %s\n", plugin.error().c_str());
        return 2;
    }
    const rl_plugin_api* api = plugin.api();
    char message[1024] = {};
    const int count = api->device_count(message, sizeof(message));
    std::printf("plugin %s %s: %d device(s): %s\n", api->plugin_name, api->plugin_version, count, message);
    if (count <= 0)
        return 0;

    rl_device* device = nullptr;
    if (api->open(0, &device, message, sizeof(message)) != RL_STATUS_OK) {
        std::printf("open(0) failed: %s\n", message);
        return 1;
    }
    rl_device_info info{};
    info.struct_size = sizeof(info);
    api->describe(device, &info);
    std::printf("%s: sm_%d%d, %d SMs, %.1f GB, L2 %.1f MB, SM clock max %d MHz, memory clock max %d MHz, bus %d bit\n"
                "driver %s, %s, %s\n\n",
                info.name, info.compute_capability_major, info.compute_capability_minor, info.multiprocessor_count,
                static_cast<double>(info.memory_bytes) / 1e9, static_cast<double>(info.l2_cache_bytes) / 1e6,
                info.max_sm_clock_mhz, info.max_memory_clock_mhz, info.memory_bus_width_bits, info.driver_version,
                info.runtime_version, info.library_version);

    const std::vector<Row> rows =
        quick ? quick_plan(info.l2_cache_bytes)
              : full_plan(info.compute_capability_major * 10 + info.compute_capability_minor, info.l2_cache_bytes);
    int failures = 0;
    std::printf("%-36s %-16s %5s %11s %11s %11s %10s %9s %6s %s\n", "case", "status", "n", "median_us", "min_us",
                "max_us", "TFLOPS|GB/s", "rel_err", "clock", "algorithm");
    for (const Row& row : rows) {
        StopCounter counter{0, row.stop_after_polls};
        rl_result r = empty_result();
        api->run(device, &row.c, row.stop_after_polls > 0 ? stop_callback : nullptr, &counter, &r);
        std::string why;
        const bool good = meets(row, r, why);
        failures += good ? 0 : 1;
        const bool gemm = row.c.kernel == RL_KERNEL_GEMM || row.c.kernel == RL_KERNEL_GEMV
                          || row.c.kernel == RL_KERNEL_ATTENTION || row.c.kernel == RL_KERNEL_FFN;
        const double rate = gemm ? tflops(row.c, r) : gb_per_s(r);
        std::string label = row.label.empty() ? shape_label(row.c) : row.label + ": " + shape_label(row.c);
        std::printf("%-36s %-16s %5d %11.2f %11.2f %11.2f %10.1f%s %9.2e %6.0f %s\n", label.c_str(),
                    (std::string(status_name(r.status)) + (r.throttled ? "*" : "")).c_str(), r.samples,
                    r.median_time_us, r.min_time_us, r.max_time_us, rate, gemm ? "T" : "G", r.max_rel_error,
                    r.sm_clock_mhz, r.algorithm);
        if (row.c.kernel == RL_KERNEL_ATTENTION && r.cudnn_version > 0)
            std::printf("    cudnn_version %d, engine_id %lld\n", r.cudnn_version, static_cast<long long>(r.engine_id));
        std::printf("    %s%s%s\n", good ? "" : "EXPECTATION FAILED: ", good ? "" : (why + " -- ").c_str(), r.message);
        std::fflush(stdout);
    }
    api->close(device);
    std::printf("\n%d of %zu cases as expected (* = throttled)\n", static_cast<int>(rows.size()) - failures,
                rows.size());
    return failures == 0 ? 0 : 1;
}
