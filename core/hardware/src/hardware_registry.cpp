#include "roofline/hardware/hardware_registry.h"

#include "roofline/support/errors.h"
#include "roofline/support/files.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace roofline {

namespace fs = std::filesystem;

namespace {

fs::path env_path(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? fs::path(value) : fs::path();
}

} // namespace

fs::path user_data_dir()
{
    if (auto dir = env_path("ROOFLINE_LAB_DATA_DIR"); !dir.empty())
        return dir;
    if (auto dir = env_path("XDG_DATA_HOME"); !dir.empty())
        return dir / "roofline-lab";
    if (auto home = env_path("HOME"); !home.empty())
        return home / ".local" / "share" / "roofline-lab";
    return fs::temp_directory_path() / "roofline-lab";
}

fs::path user_hardware_dir()
{
    return user_data_dir() / "hardware";
}

HardwareRegistry HardwareRegistry::presets()
{
    HardwareRegistry registry;
    for (const auto& preset : embedded_presets()) {
        // The presets are tested in CI; a broken one is a build bug, so let it throw.
        registry.add(parse_hardware_json(preset.json, std::string("preset ") + std::string(preset.file_name)));
    }
    return registry;
}

HardwareRegistry HardwareRegistry::presets_and_user(const fs::path& dir)
{
    HardwareRegistry registry = presets();
    registry.load_directory(dir);
    return registry;
}

void HardwareRegistry::add(HardwareSpec spec)
{
    const auto same = std::find_if(specs_.begin(), specs_.end(), [&](const HardwareSpec& s) { return s.key == spec.key; });
    if (same != specs_.end())
        *same = std::move(spec);
    else
        specs_.push_back(std::move(spec));
}

const HardwareSpec& HardwareRegistry::load_file(const fs::path& file)
{
    const std::string text = read_text_file(file);
    const std::string source = file.string();
    const std::string base_key = base_key_of(text, source);
    const HardwareSpec* base = base_key.empty() ? nullptr : find(base_key);
    if (!base_key.empty() && !base)
        throw InputError(InputLocation{source, {}, {}, {}, "base"},
                         "base profile '" + base_key + "' is not known (known: " + key_list() + ")");
    HardwareSpec spec = parse_hardware_json(text, source, base);
    spec.origin = source;
    const std::string key = spec.key;
    add(std::move(spec));
    return *find(key);
}

std::size_t HardwareRegistry::load_directory(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return 0;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    // Profiles may build on each other ("base"): retry those whose base is not loaded yet.
    std::size_t loaded = 0;
    std::map<fs::path, std::string> failures;
    bool progress = true;
    while (progress && !files.empty()) {
        progress = false;
        failures.clear();
        std::vector<fs::path> retry;
        for (const auto& file : files) {
            try {
                load_file(file);
                ++loaded;
                progress = true;
            } catch (const InputError& e) {
                failures[file] = e.what();
                retry.push_back(file);
            }
        }
        files = std::move(retry);
    }
    for (const auto& [file, message] : failures)
        problems_.push_back(message);
    return loaded;
}

const HardwareSpec* HardwareRegistry::find(std::string_view key) const
{
    const auto it = std::find_if(specs_.begin(), specs_.end(), [&](const HardwareSpec& s) { return s.key == key; });
    return it == specs_.end() ? nullptr : &*it;
}

const HardwareSpec& HardwareRegistry::get(std::string_view key) const
{
    if (const HardwareSpec* spec = find(key))
        return *spec;
    throw InputError("unknown hardware '" + std::string(key) + "' (known: " + key_list() + ")");
}

std::vector<std::string> HardwareRegistry::keys() const
{
    std::vector<std::string> out;
    for (const auto& s : specs_)
        out.push_back(s.key);
    return out;
}

std::string HardwareRegistry::key_list() const
{
    std::string list;
    for (const auto& spec : specs_)
        list += (list.empty() ? "" : ", ") + spec.key;
    return list;
}

} // namespace roofline
