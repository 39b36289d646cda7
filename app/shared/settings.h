#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// Everything the app remembers between sessions, in one place (QSettings under "roofline-lab").
namespace Settings {

enum class Folder { Results, Export, Plugin, Ceilings, Models };

QString lastHardware();
void setLastHardware(const QString& key);

// The folder the last file dialog of this kind ended in; the user's home the first time.
QString lastFolder(Folder folder);
void rememberFolderOf(Folder folder, const QString& filePath);

QByteArray windowGeometry();
void setWindowGeometry(const QByteArray& geometry);
QByteArray windowState();
void setWindowState(const QByteArray& state);

// The measured-ceilings file of the last calibration ("" for none), offered again by the next one.
QString lastCeilingsFile();
void setLastCeilingsFile(const QString& path);

// A plugin file picked by hand; empty to search the usual folders.
QString pluginFile();
void setPluginFile(const QString& path);

// The Model view's model: a built-in name or a config.json or GGUF path; and the files opened before, newest first.
QString lastModel();
void setLastModel(const QString& nameOrPath);
QStringList recentModelFiles();
void addRecentModelFile(const QString& path);

bool showRealisticRoofs();
void setShowRealisticRoofs(bool show);
bool showAllPrecisions();
void setShowAllPrecisions(bool show);

} // namespace Settings
