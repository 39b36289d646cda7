#include "shared/settings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace {

QString folderKey(Settings::Folder folder)
{
    switch (folder) {
    case Settings::Folder::Results: return QStringLiteral("folders/results");
    case Settings::Folder::Export: return QStringLiteral("folders/export");
    case Settings::Folder::Plugin: return QStringLiteral("folders/plugin");
    case Settings::Folder::Ceilings: return QStringLiteral("folders/ceilings");
    case Settings::Folder::Models: return QStringLiteral("folders/models");
    }
    return QStringLiteral("folders/other");
}

// One remembered value: where QSettings keeps it, and what it is before anything was remembered.
template <class T>
struct Key {
    QLatin1StringView path;
    T fallback;
};

template <class T>
T get(const Key<T>& key)
{
    return QSettings().value(key.path, key.fallback).template value<T>();
}

template <class T>
void set(const Key<T>& key, const T& value)
{
    QSettings().setValue(key.path, value);
}

// No default: roofline/hardware/profile_choice.h decides what a first start shows.
const Key<QString> kLastHardware{QLatin1StringView("hardware/last"), QString()};
const Key<QByteArray> kWindowGeometry{QLatin1StringView("window/geometry"), {}};
const Key<QByteArray> kWindowState{QLatin1StringView("window/state"), {}};
const Key<QString> kLastCeilingsFile{QLatin1StringView("calibration/ceilingsFile"), {}};
const Key<QString> kPluginFile{QLatin1StringView("plugin/file"), {}};
const Key<QString> kLastModel{QLatin1StringView("model/last"), QStringLiteral("llama-3.1-8b")};
const Key<QStringList> kRecentModelFiles{QLatin1StringView("model/recentFiles"), {}};
constexpr qsizetype kRecentModelFilesKept = 8;
const Key<bool> kShowRealisticRoofs{QLatin1StringView("view/realisticRoofs"), true};
const Key<bool> kShowAllPrecisions{QLatin1StringView("view/allPrecisions"), false};

} // namespace

namespace Settings {

QString lastHardware() { return get(kLastHardware); }
void setLastHardware(const QString& key) { set(kLastHardware, key); }

QString lastModel() { return get(kLastModel); }
void setLastModel(const QString& nameOrPath) { set(kLastModel, nameOrPath); }
QStringList recentModelFiles() { return get(kRecentModelFiles); }

void addRecentModelFile(const QString& path)
{
    QStringList files = recentModelFiles();
    files.removeAll(path);
    files.prepend(path);
    set(kRecentModelFiles, files.mid(0, kRecentModelFilesKept));
}

QString lastFolder(Folder folder)
{
    const QString dir = QSettings().value(folderKey(folder)).toString();
    return !dir.isEmpty() && QDir(dir).exists() ? dir : QDir::homePath();
}

void rememberFolderOf(Folder folder, const QString& filePath)
{
    if (!filePath.isEmpty())
        QSettings().setValue(folderKey(folder), QFileInfo(filePath).absolutePath());
}

QByteArray windowGeometry() { return get(kWindowGeometry); }
void setWindowGeometry(const QByteArray& geometry) { set(kWindowGeometry, geometry); }
QByteArray windowState() { return get(kWindowState); }
void setWindowState(const QByteArray& state) { set(kWindowState, state); }

QString lastCeilingsFile() { return get(kLastCeilingsFile); }
void setLastCeilingsFile(const QString& path) { set(kLastCeilingsFile, path); }

QString pluginFile() { return get(kPluginFile); }
void setPluginFile(const QString& path) { set(kPluginFile, path); }

bool showRealisticRoofs() { return get(kShowRealisticRoofs); }
void setShowRealisticRoofs(bool show) { set(kShowRealisticRoofs, show); }
bool showAllPrecisions() { return get(kShowAllPrecisions); }
void setShowAllPrecisions(bool show) { set(kShowAllPrecisions, show); }

} // namespace Settings
