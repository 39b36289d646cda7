#include "model_options.h"

#include <algorithm>
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
    ModelTerms terms = ModelTerms::none();
    if (*text == "none")
        return terms;
    std::string known;
    for (const TermInfo& term : model_terms())
        known += std::string(term.key) + ", ";
    std::stringstream list(*text);
    for (std::string name; std::getline(list, name, ',');) {
        const auto& terms_list = model_terms();
        const auto term = std::find_if(terms_list.begin(), terms_list.end(), [&name](const TermInfo& t) { return t.key == name; });
        if (term == terms_list.end())
            throw UsageError("--terms: unknown term '" + name + "' (" + known + "or none)");
        terms.*term->flag = true;
    }
    return terms;
}

} // namespace roofline::cli
