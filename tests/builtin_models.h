#pragma once
// The built-in model descriptions, for the core's tests.

#include "roofline/workloads/model_library.h"

#include <stdexcept>
#include <string>

inline const roofline::ModelDescription& builtin(const char* key)
{
    const roofline::ModelDescription* model = roofline::find_builtin_model(key);
    if (!model)
        throw std::runtime_error(std::string("no built-in ") + key);
    return *model;
}
