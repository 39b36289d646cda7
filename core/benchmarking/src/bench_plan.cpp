#include "roofline/benchmarking/bench_plan.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/ggml_types.h"
#include "roofline/model/kernel_case.h"
#include "roofline/abi/plugin_abi_rules.h"

#include "roofline/support/json_util.h"

#include <set>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

constexpr int64_t kMaxSamples = 1000000;
constexpr int64_t kEmbeddingTableRows = 32768; // the rows of the table an embedding case gathers from

// The plan's Phase 4 export: these precisions over these shapes.
constexpr std::initializer_list<Precision> kPlanPrecisions = {Precision::FP16, Precision::BF16, Precision::TF32,
                                                              Precision::FP8_E4M3, Precision::INT8, Precision::FP32};

// A case's "weights": a ggml type's name, for the kernels whose weights (or cache, or table) can be one.
int read_ggml_weights(const ordered_json& value, const KernelShape& shape, const InputLocation& where)
{
    if (!value.is_string())
        throw InputError(where, "expected a ggml type's name (\"Q4_K\"), got " + json_type_name(value));
    const GgmlType* type = find_ggml_type(value.get<std::string>());
    if (!type)
        throw InputError(where, "not a ggml type: '" + value.get<std::string>() + "'");
    const KernelType kernel = kernel_of(shape);
    if (kernel != KernelType::GEMV && kernel != KernelType::GEMM && kernel != KernelType::Attention && kernel != KernelType::Embedding)
        throw InputError(where, "only gemv, gemm, attention (its KV cache) and embedding (its table) have weights of a ggml type");
    return type->id;
}

void add_cases(BenchPlan& plan, const std::vector<KernelShape>& shapes, std::initializer_list<Precision> precisions)
{
    for (const auto& shape : shapes) {
        for (Precision p : precisions)
            plan.cases.push_back({shape, p});
    }
}

CacheMode read_cache_mode(const ordered_json& value, const InputLocation& where)
{
    const std::string mode = read_string(value, where);
    if (mode != "cold" && mode != "warm")
        throw InputError(where, "expected \"cold\" or \"warm\", got \"" + mode + "\"");
    return mode == "cold" ? CacheMode::Cold : CacheMode::Warm;
}

// The kinds the plugins run: kAllKernels and the benchmarked layer kinds.
std::vector<KernelType> benchmarked_kernels()
{
    std::vector<KernelType> kinds(kAllKernels.begin(), kAllKernels.end());
    kinds.insert(kinds.end(), kBenchmarkedLayerKernels.begin(), kBenchmarkedLayerKernels.end());
    return kinds;
}

// "gemv, gemm, …, topk and embedding"
std::string benchmarked_kernel_names()
{
    const std::vector<KernelType> kinds = benchmarked_kernels();
    std::string out;
    for (std::size_t i = 0; i < kinds.size(); ++i)
        out += (i == 0 ? "" : i + 1 == kinds.size() ? " and " : ", ") + std::string(to_string(kinds[i]));
    return out;
}

// A layer kind's m, n, k and flag, as plugin_abi.h's rl_kernel comments give them.
struct LayerCase {
    rl_kernel kernel;
    int64_t m = 0, n = 0, k = 0;
    bool flag = false;
};

std::optional<LayerCase> layer_case(const KernelShape& shape)
{
    if (const auto* n = std::get_if<RmsNormShape>(&shape))
        return LayerCase{RL_KERNEL_RMSNORM, n->rows, n->width, 0, n->with_residual};
    if (const auto* r = std::get_if<RopeShape>(&shape))
        return LayerCase{RL_KERNEL_ROPE, r->tokens, r->heads, r->head_dim};
    if (const auto* r = std::get_if<ResidualShape>(&shape))
        return LayerCase{RL_KERNEL_RESIDUAL, 0, r->elements, 0};
    // The plugin runs gated as SiLU·mul and plain as GELU: the same bytes as the other function of each form.
    if (const auto* a = std::get_if<ActivationShape>(&shape))
        return LayerCase{RL_KERNEL_ACTIVATION, a->tokens, a->width, 0, a->gated};
    if (const auto* t = std::get_if<TopKShape>(&shape))
        return LayerCase{RL_KERNEL_TOPK, t->tokens, t->experts, t->k};
    // A gather touches only its tokens' rows, so the table's height is a fixed vocabulary, not a dimension.
    if (const auto* e = std::get_if<EmbeddingShape>(&shape))
        return LayerCase{RL_KERNEL_EMBEDDING, e->tokens, kEmbeddingTableRows, e->hidden};
    return std::nullopt;
}

} // namespace

BenchPlan short_kernel_plan(std::string name, double time_budget_per_case_s)
{
    BenchPlan plan;
    plan.name = std::move(name);
    plan.cache_mode = CacheMode::Cold;
    plan.time_budget_per_case_s = time_budget_per_case_s;
    plan.min_samples = 5;
    plan.target_rel_spread = 0.02;
    return plan;
}

BenchPlan default_plan()
{
    BenchPlan plan;
    plan.name = "default";
    const std::vector<KernelShape> shapes = {GemvShape{4096, 4096}, GemvShape{8192, 8192}, GemmShape{4096, 4096, 4096},
                                             GemmShape{8192, 8192, 8192}};
    add_cases(plan, shapes, kPlanPrecisions);
    return plan;
}

BenchPlan extended_plan()
{
    BenchPlan plan;
    plan.name = "extended";
    plan.time_budget_per_case_s = 0.5;
    std::vector<KernelShape> shapes;
    // Square GEMMs from launch-bound to peak-bound, and two sizes that do not divide into tiles evenly.
    for (int64_t n : {256, 512, 768, 1024, 1536, 2048, 2560, 3072, 4096, 6144, 8192, 12288, 16384})
        shapes.push_back(GemmShape{n, n, n});
    // Sizes that do not divide into tiles evenly; 1000, 3000 and 5000 bytes are not multiples of 16 for 8-bit
    // operands, 1500 and 2500 elements not for 8- and 16-bit ones (off the tensor cores' fast path).
    for (int64_t n : {1000, 1500, 2500, 3000, 4000, 5000, 6000})
        shapes.push_back(GemmShape{n, n, n});
    // Skinny GEMMs as LLM layers run them: few tokens (M) against wide weights.
    for (int64_t m : {16, 32, 64, 128, 256, 512, 1024, 2048})
        shapes.push_back(GemmShape{m, 4096, 4096});
    shapes.push_back(GemmShape{128, 14336, 4096});
    shapes.push_back(GemmShape{128, 4096, 14336});
    shapes.push_back(GemmShape{2048, 14336, 4096});
    // GEMVs from L2-resident to far larger than any L2.
    for (int64_t n : {1024, 2048, 3072, 4096, 6144, 8192, 12288, 16384})
        shapes.push_back(GemvShape{n, n});
    shapes.push_back(GemvShape{14336, 4096});
    shapes.push_back(GemvShape{28672, 4096});
    shapes.push_back(GemvShape{4096, 14336});
    shapes.push_back(GemvShape{32768, 8192});
    shapes.push_back(GemvShape{3000, 3000});
    shapes.push_back(GemvShape{5000, 5000});
    add_cases(plan, shapes, {Precision::FP32, Precision::TF32, Precision::FP16, Precision::BF16, Precision::FP8_E4M3,
                             Precision::INT8});
    // Enough shapes in FP64 and FP8 E5M2 that both halves of a split by shape see each.
    add_cases(plan, {GemmShape{1024, 1024, 1024}, GemmShape{2048, 2048, 2048}, GemmShape{4096, 4096, 4096},
                     GemmShape{6144, 6144, 6144}, GemmShape{8192, 8192, 8192}, GemvShape{2048, 2048}, GemvShape{4096, 4096},
                     GemvShape{8192, 8192}, GemvShape{16384, 16384}},
              {Precision::FP64, Precision::FP8_E5M2});
    return plan;
}

BenchPlan smoke_plan()
{
    BenchPlan plan;
    plan.name = "smoke";
    plan.time_budget_per_case_s = 0.2;
    plan.min_samples = 3;
    add_cases(plan, {GemvShape{512, 512}, GemmShape{128, 128, 128}, GemmShape{256, 256, 256}},
              {Precision::FP32, Precision::FP64, Precision::FP16});
    return plan;
}

BenchPlan parse_plan_json(std::string_view text, const std::string& source, PlanKernels kernels)
{
    const ordered_json doc = parse_json_text(text, source);
    auto at = [&source](const std::string& field, std::optional<std::size_t> row = std::nullopt) {
        return InputLocation{source, {}, {}, row, field};
    };
    if (!doc.is_object())
        throw InputError(at(""), "expected a plan object, got " + json_type_name(doc));
    static const std::set<std::string> known = {"name", "cache_mode", "time_budget_per_case_s", "min_samples",
                                                "max_samples", "target_rel_spread", "seed", "cases",
                                                "kernels", "shapes", "precisions"};
    for (const auto& [field, value] : doc.items()) {
        if (!known.count(field))
            throw InputError(at(field), "unknown field (known: " + join_names(known) + ")");
    }
    BenchPlan plan;
    if (doc.contains("name"))
        plan.name = read_string(doc["name"], at("name"));
    if (doc.contains("cache_mode"))
        plan.cache_mode = read_cache_mode(doc["cache_mode"], at("cache_mode"));
    if (doc.contains("time_budget_per_case_s"))
        plan.time_budget_per_case_s = read_positive_number(doc["time_budget_per_case_s"], at("time_budget_per_case_s"));
    auto read_count = [&](const char* field) {
        const int64_t value = read_positive_integer(doc[field], at(field));
        if (value > kMaxSamples)
            throw InputError(at(field), "must be at most " + std::to_string(kMaxSamples) + ", got " + std::to_string(value));
        return static_cast<int>(value);
    };
    if (doc.contains("min_samples"))
        plan.min_samples = read_count("min_samples");
    if (doc.contains("max_samples"))
        plan.max_samples = read_count("max_samples");
    if (plan.max_samples < plan.min_samples)
        throw InputError(at("max_samples"), "must be at least min_samples (" + std::to_string(plan.min_samples) + ")");
    if (doc.contains("target_rel_spread"))
        plan.target_rel_spread = read_positive_number(doc["target_rel_spread"], at("target_rel_spread"));
    if (doc.contains("seed"))
        plan.seed = static_cast<uint64_t>(read_positive_integer(doc["seed"], at("seed")));

    // The kinds the plugins run (every kind but the grouped GEMM); other plans are read where the caller asks.
    static const KernelChoice kBenchmarked{benchmarked_kernels(), "the plugins benchmark " + benchmarked_kernel_names()};
    const KernelChoice* only = kernels == PlanKernels::Benchmarked ? &kBenchmarked : nullptr;

    if (doc.contains("cases")) {
        const auto& cases = doc["cases"];
        if (!cases.is_array())
            throw InputError(at("cases"), "expected a list, got " + json_type_name(cases));
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const auto& c = cases[i];
            if (!c.is_object())
                throw InputError(at("", i), "expected an object, got " + json_type_name(c));
            try {
                const KernelCase read = read_case_json(c, [&](const std::string& field) { return at(field, i); }, only);
                plan.cases.push_back({read.shape, read.precision});
                if (c.contains("cache_mode"))
                    plan.cases.back().cache = read_cache_mode(c["cache_mode"], at("cache_mode", i));
                if (c.contains("weights"))
                    plan.cases.back().ggml_weights = read_ggml_weights(c["weights"], plan.cases.back().shape, at("weights", i));
            } catch (const InputError& e) {
                // A plan's case is located at its shape, not at one of its dimensions.
                if (e.where().field.starts_with("shape["))
                    throw InputError(at("shape", i), e.problem());
                throw;
            }
        }
    }
    if (doc.contains("shapes")) {
        const auto& shapes = doc["shapes"];
        if (!shapes.is_object())
            throw InputError(at("shapes"), "expected {\"gemv\": [[N, K], …], \"gemm\": [[M, N, K], …]}");
        if (!doc.contains("precisions") || !doc["precisions"].is_array())
            throw InputError(at("precisions"), "missing: a list of precisions to run every shape in");
        std::vector<Precision> precisions;
        for (std::size_t i = 0; i < doc["precisions"].size(); ++i)
            precisions.push_back(read_precision_json(doc["precisions"][i], at("precisions[" + std::to_string(i) + "]")));
        std::set<KernelType> listed;
        if (doc.contains("kernels")) {
            if (!doc["kernels"].is_array())
                throw InputError(at("kernels"), "expected a list of kernels");
            for (std::size_t i = 0; i < doc["kernels"].size(); ++i)
                listed.insert(read_kernel_json(doc["kernels"][i], at("kernels[" + std::to_string(i) + "]"), only));
        }
        for (const auto& [kernel_name, list] : shapes.items()) {
            const KernelType kernel = read_kernel_json(kernel_name, at("shapes." + kernel_name), only);
            if (!listed.empty() && !listed.count(kernel))
                continue;
            if (!list.is_array())
                throw InputError(at("shapes." + kernel_name), "expected a list of shapes");
            for (std::size_t i = 0; i < list.size(); ++i) {
                const auto where = at("shapes." + kernel_name + "[" + std::to_string(i) + "]");
                const KernelShape shape = read_shape_json(kernel, list[i], kernel == KernelType::FFN, where);
                for (Precision p : precisions)
                    plan.cases.push_back({shape, p});
            }
        }
    }
    if (plan.cases.empty())
        throw InputError(at("cases"), "the plan has no cases (give \"cases\" or \"shapes\" with \"precisions\")");
    return plan;
}

std::string plan_to_json(const BenchPlan& plan)
{
    ordered_json doc;
    doc["name"] = plan.name;
    doc["cache_mode"] = std::string(to_string(plan.cache_mode));
    doc["time_budget_per_case_s"] = plan.time_budget_per_case_s;
    doc["min_samples"] = plan.min_samples;
    doc["max_samples"] = plan.max_samples;
    doc["target_rel_spread"] = plan.target_rel_spread;
    doc["seed"] = plan.seed;
    ordered_json cases = ordered_json::array();
    for (const auto& c : plan.cases) {
        ordered_json item;
        write_case_json(item, c.shape, c.precision);
        if (c.ggml_weights)
            item["weights"] = std::string(find_ggml_type(*c.ggml_weights)->name);
        if (c.cache)
            item["cache_mode"] = std::string(to_string(*c.cache));
        cases.push_back(item);
    }
    doc["cases"] = cases;
    return doc.dump(2) + "\n";
}

namespace {
rl_case to_rl_case_shape(const BenchCase& c, int32_t precision, rl_cache_mode cache, const abi::Sampling& sampling);
} // namespace

rl_case to_rl_case(const BenchCase& c, const BenchPlan& plan)
{
    const abi::Sampling sampling{plan.time_budget_per_case_s, plan.min_samples, plan.max_samples, plan.target_rel_spread, plan.seed};
    const rl_cache_mode cache = plan.cache_of(c) == CacheMode::Cold ? RL_CACHE_COLD : RL_CACHE_WARM;
    const auto precision = static_cast<int32_t>(c.precision);
    rl_case out = to_rl_case_shape(c, precision, cache, sampling);
    if (c.ggml_weights) {
        out.weight_format = RL_WEIGHT_FORMAT_GGML;
        out.weight_type = *c.ggml_weights;
    }
    return out;
}

namespace {

rl_case to_rl_case_shape(const BenchCase& c, int32_t precision, rl_cache_mode cache, const abi::Sampling& sampling)
{
    if (const auto* gemv = std::get_if<GemvShape>(&c.shape))
        return abi::make_case(RL_KERNEL_GEMV, precision, {1, gemv->n, gemv->k}, cache, sampling);
    if (const auto* gemm = std::get_if<GemmShape>(&c.shape))
        return abi::make_case(RL_KERNEL_GEMM, precision, {gemm->m, gemm->n, gemm->k}, cache, sampling);
    if (const auto* a = std::get_if<AttentionShape>(&c.shape)) {
        abi::CaseShape shape;
        shape.batch = a->batch;
        shape.heads = a->heads;
        shape.kv_heads = a->kv_heads;
        shape.query_len = a->query_len;
        shape.kv_len = a->kv_len;
        shape.head_dim = a->head_dim;
        shape.window = a->window;
        shape.causal = a->causal;
        return abi::make_case(RL_KERNEL_ATTENTION, precision, shape, cache, sampling);
    }
    if (const auto* f = std::get_if<FfnShape>(&c.shape)) {
        abi::CaseShape shape; // m tokens, k hidden, n intermediate (plugin_abi.h)
        shape.m = f->tokens;
        shape.n = f->intermediate;
        shape.k = f->hidden;
        shape.gated = f->gated;
        return abi::make_case(RL_KERNEL_FFN, precision, shape, cache, sampling);
    }
    if (const auto layer = layer_case(c.shape)) {
        abi::CaseShape shape;
        shape.m = layer->m;
        shape.n = layer->n;
        shape.k = layer->k;
        shape.gated = layer->flag;
        return abi::make_case(layer->kernel, precision, shape, cache, sampling);
    }
    throw InputError("the plugins do not benchmark " + std::string(to_string(kernel_of(c.shape))) + " (they run "
                     + benchmarked_kernel_names() + ")");
}

} // namespace

} // namespace roofline
