#pragma once
// Private: a config's quantization_config, and which tensors it leaves in the model's own dtype.

#include "roofline/workloads/model_config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace roofline::detail {

// nullopt when the config has no quantization_config; InputError for a method this tool does not know.
std::optional<ModelQuantization> read_quantization(const nlohmann::ordered_json& doc, const std::string& source);

} // namespace roofline::detail
