#include "commands.h"
#include "text_table.h"

#include "roofline/workloads/model_library.h"
#include "roofline/workloads/model_parameters.h"
#include "roofline/results/reports.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace roofline::cli {

namespace {

std::string billions(int64_t n)
{
    return format_number(static_cast<double>(n) / 1e9, 2) + " B";
}

std::string gigabytes(double bytes)
{
    return format_number(bytes / 1e9, 2) + " GB";
}

std::string experts_of(const ModelDescription& m)
{
    if (!m.moe)
        return "-";
    std::string text = std::to_string(m.moe->experts_per_token) + " of " + std::to_string(m.moe->num_experts);
    if (m.moe->num_shared_experts > 0)
        text += " + " + std::to_string(m.moe->num_shared_experts) + " shared";
    return text;
}

std::string attention_of(const ModelDescription& m)
{
    const int64_t sliding = m.sliding_layer_count();
    if (sliding == 0)
        return "full";
    return std::to_string(sliding) + " of " + std::to_string(m.num_layers) + " layers slide over " +
           std::to_string(*m.sliding_window);
}

nlohmann::ordered_json to_json(const ModelDescription& m)
{
    const ParameterCount n = count_parameters(m);
    nlohmann::ordered_json j;
    j["name"] = m.name;
    j["architecture"] = m.architecture;
    j["repo_id"] = m.repo_id;
    j["config_url"] = m.config_url;
    j["checked"] = m.checked_note;
    j["hidden_size"] = m.hidden_size;
    j["num_layers"] = m.num_layers;
    j["num_attention_heads"] = m.num_attention_heads;
    j["num_kv_heads"] = m.num_kv_heads;
    j["head_dim"] = m.head_dim;
    j["intermediate_size"] = m.intermediate_size;
    j["vocab_size"] = m.vocab_size;
    j["tie_word_embeddings"] = m.tie_word_embeddings;
    j["hidden_act"] = m.hidden_act;
    if (m.moe) {
        j["moe"] = {{"num_experts", m.moe->num_experts},
                    {"experts_per_token", m.moe->experts_per_token},
                    {"expert_intermediate_size", m.moe->expert_intermediate_size},
                    {"num_shared_experts", m.moe->num_shared_experts},
                    {"shared_expert_intermediate_size", m.moe->shared_expert_intermediate_size},
                    {"moe_layers", m.moe_layer_count()}};
    }
    j["sliding_layers"] = m.sliding_layer_count();
    if (m.sliding_window)
        j["sliding_window"] = *m.sliding_window;
    j["torch_dtype"] = m.torch_dtype;
    if (m.quantization)
        j["quantization"] = {{"method", m.quantization->method}, {"format", to_string(m.quantization->format)}};
    j["parameters"] = n.total();
    j["active_parameters_per_token"] = n.active_per_token;
    j["weight_bytes"] = weight_bytes(m).total_bytes();
    return j;
}

int run_list(const ParsedArgs& args)
{
    if (args.flag("json")) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& model : builtin_models())
            list.push_back(to_json(model));
        std::cout << list.dump(2) << '\n';
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : builtin_models()) {
        rows.push_back({m.name, m.architecture, std::to_string(m.num_layers), std::to_string(m.hidden_size),
                        std::to_string(m.num_attention_heads) + "/" + std::to_string(m.num_kv_heads), experts_of(m),
                        billions(count_parameters(m).total()), gigabytes(weight_bytes(m).total_bytes()), m.repo_id});
    }
    print_table(std::cout, {"name", "architecture", "layers", "hidden", "heads/kv", "experts", "params", "weights", "source"},
                rows, {false, false, true, true, true, false, true, true, false});
    return kExitOk;
}

int run_show(const ParsedArgs& args)
{
    const ModelDescription m = load_model(args.positionals().at(0));
    if (args.flag("json")) {
        std::cout << to_json(m).dump(2) << '\n';
        return kExitOk;
    }
    const ParameterCount n = count_parameters(m);
    const TensorFormats formats = m.tensor_formats();
    std::cout << m.name << " (" << m.architecture << ")  from " << m.source << "\n";
    if (!m.repo_id.empty())
        std::cout << "source: " << m.repo_id << "  " << m.config_url << "\n";
    if (!m.checked_note.empty())
        std::cout << "checked: " << m.checked_note << "\n";
    std::cout << '\n';
    const std::vector<std::vector<std::string>> facts = {
        {"hidden size", std::to_string(m.hidden_size)},
        {"layers", std::to_string(m.num_layers)},
        {"attention heads / KV heads", std::to_string(m.num_attention_heads) + " / " + std::to_string(m.num_kv_heads)},
        {"head dim", std::to_string(m.head_dim)},
        {"intermediate size", std::to_string(m.intermediate_size)},
        {"vocabulary", std::to_string(m.vocab_size)},
        {"tied embeddings", m.tie_word_embeddings ? "yes" : "no"},
        {"activation", m.hidden_act + (m.gated_ffn ? ", gated" : "")},
        {"experts", experts_of(m) + (m.moe ? ", " + std::to_string(m.moe->expert_intermediate_size) + " wide" : "")},
        {"attention", attention_of(m)},
        {"weights", (m.torch_dtype.empty() ? "not stated (BF16)" : m.torch_dtype) +
                        (m.quantization ? ", experts " + std::string(to_string(formats.experts)) : "")},
        {"parameters", billions(n.total()) + ", " + billions(n.active_per_token) + " active per token"},
        {"weight bytes", gigabytes(weight_bytes(m).total_bytes())},
    };
    print_table(std::cout, {"figure", "value"}, facts, {false, false});
    return kExitOk;
}

} // namespace

Command models_list_command()
{
    return {{"models list", "roofline models list [--json]",
             "Lists the built-in model descriptions with their Hugging Face source.",
             {{"json", "", "print every description as JSON"}}, 0, 0},
            &run_list};
}

Command models_show_command()
{
    return {{"models show", "roofline models show NAME|config.json [--json]",
             "Shows one model description: a built-in by name or repo id, or a Hugging Face config.json.",
             {{"json", "", "print the description as JSON"}}, 1, 1},
            &run_show};
}

} // namespace roofline::cli
