#include "model_quantization.h"

#include "config_fields.h"

#include <string_view>

namespace roofline {

namespace detail {

std::optional<ModelQuantization> read_quantization(const ordered_json& doc, const std::string& source)
{
    const auto it = doc.find("quantization_config");
    if (it == doc.end() || it->is_null())
        return std::nullopt;
    if (!it->is_object())
        throw InputError(InputLocation{source, {}, {}, {}, "quantization_config"},
                         "expected an object, got " + json_type_name(*it));
    const Fields q(*it, source, "quantization_config.");
    ModelQuantization quantization;
    if (!q.has("quant_method"))
        throw InputError(q.at("quant_method"), "missing; the quantization needs a method");
    quantization.method = q.string_or("quant_method", "");
    if (quantization.method == "mxfp4")
        quantization.format = Precision::MXFP4;
    else if (quantization.method == "fp8")
        quantization.format = Precision::FP8_E4M3;
    else
        throw InputError(q.at("quant_method"), "'" + quantization.method + "' is not a quantization this tool knows (mxfp4, fp8)");
    if (const ordered_json* list = q.find("modules_to_not_convert")) {
        if (!list->is_array())
            throw InputError(q.at("modules_to_not_convert"), "expected a list of module names, got " + json_type_name(*list));
        for (const auto& module : *list)
            quantization.unconverted_modules.push_back(read_string(module, q.at("modules_to_not_convert")));
    }
    return quantization;
}


} // namespace detail

namespace {

// '*' matches any run of characters, as in transformers' modules_to_not_convert.
bool glob_matches(std::string_view pattern, std::string_view text)
{
    if (pattern.empty())
        return text.empty();
    if (pattern.front() == '*') {
        for (std::size_t skip = 0; skip <= text.size(); ++skip)
            if (glob_matches(pattern.substr(1), text.substr(skip)))
                return true;
        return false;
    }
    return !text.empty() && pattern.front() == text.front() && glob_matches(pattern.substr(1), text.substr(1));
}

// A module is left alone when a pattern names it or a module it sits in ("model.layers.*.mlp" covers its experts).
bool left_unconverted(const ModelQuantization& quantization, const std::string& module)
{
    for (const auto& pattern : quantization.unconverted_modules) {
        for (std::size_t end = module.find('.');; end = module.find('.', end + 1)) {
            if (glob_matches(pattern, std::string_view(module).substr(0, end)))
                return true;
            if (end == std::string::npos)
                break;
        }
    }
    return false;
}

} // namespace

TensorFormats ModelDescription::tensor_formats() const
{
    const Precision base = weight_precision;
    TensorFormats formats{base, base, base, base, base, base, base};
    if (!quantization)
        return formats;
    const auto converted = [this](const std::string& module) { return !left_unconverted(*quantization, module); };
    const Precision q = quantization->format;
    const bool mixtral = family == ModelFamily::Mixtral;
    const std::string router = family == ModelFamily::GptOss ? "model.layers.0.mlp.router"
                               : mixtral                    ? "model.layers.0.block_sparse_moe.gate"
                                                            : "model.layers.0.mlp.gate";
    if (converted(mixtral ? "model.layers.0.block_sparse_moe.experts" : "model.layers.0.mlp.experts"))
        formats.experts = q;
    // transformers' MXFP4 path replaces the expert blocks only; FP8 replaces every linear layer.
    if (quantization->method != "mxfp4") {
        if (converted("model.layers.0.self_attn"))
            formats.attention = q;
        if (converted("model.layers.0.mlp"))
            formats.dense_ffn = q;
        if (converted(router))
            formats.router = q;
        if (converted("lm_head"))
            formats.lm_head = q;
    }
    return formats;
}

} // namespace roofline
