#include "commands.h"

#include "roofline/support/errors.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/support/version.h"

#include <iostream>

using namespace roofline;
using namespace roofline::cli;

namespace {

std::vector<Command> all_commands()
{
    return {hardware_list_command(), hardware_show_command(), predict_command(), validate_command(),
            bench_command(),         ceilings_command(),      calibrate_command(),     export_script_command(),
            models_list_command(),   models_show_command(),   transfer_command(),      model_command()};
}

void print_overview(std::ostream& out)
{
    out << "usage: roofline <command> [options]\n\n"
           "Predicts GEMV, GEMM, attention and FFN time with a roofline model, benchmarks them through\n"
           "a plugin (CUDA or host CPU), and validates predictions against measurements.\n\ncommands:\n";
    for (const auto& c : all_commands()) {
        const std::string name = c.spec.name;
        out << "  " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') << c.spec.summary.substr(0, c.spec.summary.find('\n')) << '\n';
    }
    out << "\n'roofline <command> --help' describes a command. --version prints the version.\n"
           "Exit codes: 0 ok, 1 usage, 2 bad input, 3 no plugin or device.\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        print_overview(std::cerr);
        return kExitUsage;
    }
    if (args[0] == "--version" || args[0] == "version") {
        std::cout << "roofline " << kVersion << '\n';
        return kExitOk;
    }
    if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        print_overview(std::cout);
        return kExitOk;
    }
    // Two-word commands ("hardware list") are matched before one-word ones.
    const std::vector<Command> commands = all_commands();
    const Command* command = nullptr;
    std::size_t words = 0;
    for (const auto& c : commands) {
        const std::string& name = c.spec.name;
        const bool two_words = name.find(' ') != std::string::npos;
        if (two_words && args.size() >= 2 && args[0] + " " + args[1] == name) {
            command = &c;
            words = 2;
            break;
        }
        if (!two_words && args[0] == name) {
            command = &c;
            words = 1;
        }
    }
    if (!command) {
        if (args[0] == "hardware")
            std::cerr << "roofline hardware: expected 'list' or 'show KEY'\n";
        else if (args[0] == "models")
            std::cerr << "roofline models: expected 'list' or 'show NAME|config.json'\n";
        else
            std::cerr << "roofline: unknown command '" << args[0] << "'\n\n";
        print_overview(std::cerr);
        return kExitUsage;
    }
    const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
    try {
        const ParsedArgs parsed = parse_args(command->spec, rest);
        if (parsed.help()) {
            std::cout << help_text(command->spec);
            return kExitOk;
        }
        return command->run(parsed);
    } catch (const UsageError& e) {
        std::cerr << "roofline " << command->spec.name << ": " << e.what() << "\n\n" << help_text(command->spec);
        return kExitUsage;
    } catch (const InputError& e) {
        std::cerr << "roofline " << command->spec.name << ": " << e.what() << '\n';
        return kExitBadInput;
    } catch (const PluginError& e) {
        std::cerr << "roofline " << command->spec.name << ": " << e.what() << '\n';
        return kExitNoDevice;
    } catch (const std::exception& e) {
        std::cerr << "roofline " << command->spec.name << ": unexpected error: " << e.what() << '\n';
        return kExitUnexpected;
    }
}
