// Plan names to plans, for every place that offers a plan by name (the CLI's --plan, the app's plan menu).
#include "roofline/benchmarking/bench_plan.h"

#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"

namespace roofline {

namespace {

struct NamedPlan {
    const char* name;
    BenchPlan (*make)();
};

constexpr NamedPlan kNamedPlans[] = {{"default", &default_plan}, {"extended", &extended_plan}, {"smoke", &smoke_plan}, {"llm", &llm_plan},
                                   {"layers", &layer_plan}, {"ggml", &ggml_plan}, {"ggml_smoke", &ggml_smoke_plan}};

} // namespace

const std::vector<std::string>& plan_names()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const NamedPlan& plan : kNamedPlans)
            out.emplace_back(plan.name);
        return out;
    }();
    return names;
}

std::optional<BenchPlan> named_plan(std::string_view name)
{
    for (const NamedPlan& plan : kNamedPlans) {
        if (name == plan.name)
            return plan.make();
    }
    return std::nullopt;
}

BenchPlan load_plan(const std::string& name_or_file)
{
    if (auto plan = named_plan(name_or_file))
        return std::move(*plan);
    std::string text;
    try {
        text = read_text_file(name_or_file);
    } catch (const InputError& e) {
        std::string reason = e.problem();
        if (const auto colon = reason.find(": "); colon != std::string::npos)
            reason = reason.substr(colon + 2); // the system's reason, without read_text_file's own words
        std::string names;
        for (const std::string& name : plan_names())
            names += (names.empty() ? "" : ", ") + name;
        throw InputError(e.where(), "cannot open the plan file (or use " + names + "): " + reason);
    }
    return parse_plan_json(text, name_or_file);
}

} // namespace roofline
