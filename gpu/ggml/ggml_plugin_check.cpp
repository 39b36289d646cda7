// ggml_plugin_check: the ggml plugin through the raw C ABI, without Qt. Opens device 0 (the GPU where ggml has CUDA,
// else the CPU; ROOFLINE_GGML_BACKEND=CPU forces the CPU), prints the engine, then one line per case: status, time per
// op, TFLOPS, the check's error, the ops a graph held and what ran. --quick: a few small cases. Exit 1 if a case that
// should run did not.
#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

namespace abi = roofline::abi;

// enum ggml_type's values (ggml.h), the ones the table names.
enum : int32_t { F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, Q4_K = 12, Q6_K = 14, IQ4_XS = 23, BF16 = 30, MXFP4 = 39 };

struct Row {
    std::string label;
    rl_case c;
    double flops;
};

Row matmul(const char* type_name, int32_t type, int64_t tokens, int64_t n, int64_t k, rl_cache_mode cache, const abi::Sampling& s)
{
    abi::CaseShape shape{.m = tokens, .n = n, .k = k};
    shape.weight_format = RL_WEIGHT_FORMAT_GGML;
    shape.weight_type = type;
    char label[96];
    std::snprintf(label, sizeof label, "MUL_MAT %s %lldx%lldx%lld%s", type_name, static_cast<long long>(tokens),
                  static_cast<long long>(n), static_cast<long long>(k), cache == RL_CACHE_WARM ? " warm" : "");
    return {label, abi::make_case(tokens == 1 ? RL_KERNEL_GEMV : RL_KERNEL_GEMM, RL_PRECISION_FP32, shape, cache, s),
            2.0 * static_cast<double>(tokens * n * k)};
}

Row expert(int32_t type, int64_t tokens, const abi::Sampling& s)
{
    abi::CaseShape shape{.m = tokens, .n = 768, .k = 2048};
    shape.weight_format = RL_WEIGHT_FORMAT_GGML;
    shape.weight_type = type;
    shape.experts = 128;
    shape.experts_used = 8;
    return {"MUL_MAT_ID Q4_K 128 experts, 8 used, " + std::to_string(tokens) + " tokens, 768x2048",
            abi::make_case(RL_KERNEL_EXPERT_GEMM, RL_PRECISION_FP32, shape, RL_CACHE_COLD, s), 2.0 * tokens * 8 * 768 * 2048};
}

Row attention(int64_t q, int64_t kv, bool causal, int32_t cache, const abi::Sampling& s)
{
    abi::CaseShape shape{.batch = 1, .heads = 32, .kv_heads = 8, .query_len = q, .kv_len = kv, .head_dim = 128, .causal = causal};
    shape.weight_format = RL_WEIGHT_FORMAT_GGML;
    shape.weight_type = cache;
    const std::string label = "FLASH_ATTN_EXT " + std::string(cache == F16 ? "F16" : "Q8_0") + " 32/8 heads q " + std::to_string(q)
        + " kv " + std::to_string(kv) + (causal ? " causal" : "");
    return {label, abi::make_case(RL_KERNEL_ATTENTION, RL_PRECISION_FP16, shape, RL_CACHE_COLD, s),
            4.0 * 32 * 128 * static_cast<double>(q * kv) / (causal ? 2 : 1)};
}

} // namespace

int main(int argc, char** argv)
{
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const char* path = std::getenv("ROOFLINE_GGML_PLUGIN") ? std::getenv("ROOFLINE_GGML_PLUGIN") : ROOFLINE_GGML_PLUGIN_PATH;
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        std::fprintf(stderr, "dlopen(%s): %s\n", path, dlerror());
        return 2;
    }
    auto entry = reinterpret_cast<rl_plugin_entry_fn>(dlsym(handle, ROOFLINE_PLUGIN_ENTRY_SYMBOL));
    const rl_plugin_api* api = entry ? entry(ROOFLINE_PLUGIN_ABI_VERSION) : nullptr;
    if (!api) {
        std::fprintf(stderr, "%s: no ABI %u entry point\n", path, ROOFLINE_PLUGIN_ABI_VERSION);
        return 2;
    }
    char message[1024] = {};
    rl_device* device = nullptr;
    if (api->open(0, &device, message, sizeof message) != RL_STATUS_OK) {
        std::fprintf(stderr, "open: %s\n", message);
        return 3;
    }
    rl_device_info info{};
    info.struct_size = sizeof info;
    api->describe(device, &info);
    std::printf("device: %s (%s), L2 %.1f MB\nengine: %s\nbuild:  %s\n\n", info.name, info.backend, info.l2_cache_bytes / 1e6,
                info.engine, info.engine_build);

    const abi::Sampling s{quick ? 0.05 : 0.3, 5, 500, 0.02, 20261207};
    std::vector<Row> rows;
    if (quick) {
        rows = {matmul("Q4_K", Q4_K, 1, 1024, 1024, RL_CACHE_COLD, s), matmul("Q8_0", Q8_0, 32, 1024, 1024, RL_CACHE_COLD, s),
                attention(1, 1024, false, F16, s)};
    } else {
        const struct { const char* name; int32_t id; } types[] = {{"Q4_K", Q4_K}, {"Q6_K", Q6_K}, {"Q8_0", Q8_0}, {"Q4_0", Q4_0},
                                                              {"MXFP4", MXFP4}, {"IQ4_XS", IQ4_XS}, {"F16", F16}, {"BF16", BF16}};
        for (const auto& t : types)
            for (int64_t tokens : {1, 8, 32, 512, 4096})
                rows.push_back(matmul(t.name, t.id, tokens, 14336, 4096, RL_CACHE_COLD, s));
        for (int64_t tokens : {1, 512})
            rows.push_back(matmul("Q4_K", Q4_K, tokens, 14336, 4096, RL_CACHE_WARM, s));
        rows.push_back(matmul("Q4_K", Q4_K, 512, 4096, 14336, RL_CACHE_COLD, s));
        rows.push_back(matmul("Q4_K", Q4_K, 512, 4096, 14336, RL_CACHE_WARM, s));
        for (int64_t tokens : {1, 32, 512})
            rows.push_back(expert(Q4_K, tokens, s));
        for (int32_t cache : {F16, Q8_0}) {
            rows.push_back(attention(1, 4096, false, cache, s));
            rows.push_back(attention(1, 32768, false, cache, s));
            rows.push_back(attention(512, 512, true, cache, s));
            rows.push_back(attention(2048, 2048, true, cache, s));
        }
    }
    int bad = 0;
    std::printf("%-52s %-8s %12s %8s %9s %5s  %s\n", "case", "status", "us/op", "TFLOPS", "rel.err", "ops", "what ran / note");
    for (Row& row : rows) {
        rl_result r = abi::empty_result();
        const rl_status status = api->run(device, &row.c, nullptr, nullptr, &r);
        if (status != RL_STATUS_OK)
            ++bad;
        const double tflops = r.median_time_us > 0 ? row.flops / (r.median_time_us * 1e-6) / 1e12 : 0;
        std::printf("%-52s %-8d %12.2f %8.2f %9.2e %5d  %s%s%s\n", row.label.c_str(), status, r.median_time_us, tflops,
                    r.max_rel_error, r.graph_ops, r.algorithm, r.message[0] ? " | " : "", r.message);
        std::fflush(stdout);
    }
    api->close(device);
    std::printf("\n%zu cases, %d not OK\n", rows.size(), bad);
    return bad ? 1 : 0;
}
