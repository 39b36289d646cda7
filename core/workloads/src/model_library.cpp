#include "roofline/workloads/model_library.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/gguf.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace roofline {

namespace {

bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

const std::vector<ModelDescription>& builtin_models()
{
    static const std::vector<ModelDescription> models = [] {
        std::vector<ModelDescription> list;
        for (const auto& file : embedded_model_files()) {
            // The built-ins are tested in CI; a broken one is a build bug, so let it throw.
            ModelDescription model = parse_model_config(file.json, "built-in " + std::string(file.file_name));
            model.name = std::filesystem::path(std::string(file.file_name)).stem().string();
            list.push_back(std::move(model));
        }
        return list;
    }();
    return models;
}

const ModelDescription* find_builtin_model(std::string_view name)
{
    for (const auto& model : builtin_models())
        if (same_name(model.name, name) || (!model.repo_id.empty() && same_name(model.repo_id, name)))
            return &model;
    // "Llama-3.1-8B" without its organisation.
    for (const auto& model : builtin_models()) {
        const auto slash = model.repo_id.find('/');
        if (slash != std::string::npos && same_name(std::string_view(model.repo_id).substr(slash + 1), name))
            return &model;
    }
    return nullptr;
}

ModelDescription load_model(const std::string& name_or_path)
{
    if (const ModelDescription* model = find_builtin_model(name_or_path))
        return *model;
    std::error_code ignored;
    if (std::filesystem::is_regular_file(name_or_path, ignored))
        return looks_like_gguf(name_or_path) ? load_gguf_model(name_or_path) : load_model_config_file(name_or_path);
    std::string names;
    for (const auto& model : builtin_models())
        names += (names.empty() ? "" : ", ") + model.name;
    throw InputError(InputLocation{name_or_path, {}, {}, {}, {}},
                     "neither a built-in model nor a config.json or GGUF file (built-in: " + names + ")");
}

} // namespace roofline
