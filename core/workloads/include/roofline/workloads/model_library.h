#pragma once
// The model descriptions compiled into the binaries (resources/models/*.json) and the lookup that takes a
// built-in name or a config.json path.

#include "roofline/workloads/model_config.h"

#include <string>
#include <string_view>
#include <vector>

namespace roofline {

// The JSON texts of resources/models/*.json, compiled in by cmake/EmbedFiles.cmake.
struct EmbeddedModelFile {
    std::string_view file_name;
    std::string_view json;
};
const std::vector<EmbeddedModelFile>& embedded_model_files();

// Every built-in, read by parse_model_config like a user's file; named by the file's stem ("llama-3.1-8b").
const std::vector<ModelDescription>& builtin_models();

// A built-in by key or Hugging Face repo id, case-insensitive ("Llama-3.1-8B", "meta-llama/Llama-3.1-8B").
const ModelDescription* find_builtin_model(std::string_view name);

// A built-in name, else a path to a config.json or a GGUF file (told apart by GGUF's magic). Throws InputError listing the built-ins when it is neither.
ModelDescription load_model(const std::string& name_or_path);

} // namespace roofline
