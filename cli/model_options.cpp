#include "model_options.h"

#include <sstream>

namespace roofline::cli {

Mode mode_option(const ParsedArgs& args)
{
    const auto text = args.value("mode");
    if (args.flag("ideal")) {
        if (text && *text != "ideal")
            throw UsageError("--ideal and --mode " + *text + " contradict each other");
        return Mode::Ideal;
    }
    if (!text)
        return Mode::Realistic;
    const auto mode = parse_mode(*text);
    if (!mode)
        throw UsageError("--mode expects ideal, realistic or refined, got '" + *text + "'");
    return *mode;
}

ModelTerms terms_option(const ParsedArgs& args)
{
    const auto text = args.value("terms");
    if (!text)
        return {};
    ModelTerms terms{false, false, false, false};
    if (*text == "none")
        return terms;
    std::stringstream list(*text);
    for (std::string term; std::getline(list, term, ',');) {
        if (term == "floor")
            terms.launch_floor = true;
        else if (term == "l2")
            terms.cache_aware = true;
        else if (term == "waves")
            terms.wave_quantization = true;
        else if (term == "split")
            terms.split_efficiency = true;
        else
            throw UsageError("--terms: unknown term '" + term + "' (floor, l2, waves, split, or none)");
    }
    return terms;
}

} // namespace roofline::cli
