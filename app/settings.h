#pragma once

#include <QByteArray>
#include <QString>

// Everything the app remembers between sessions, in one place (QSettings under "roofline-lab").
namespace Settings {

enum class Folder { Results, Export, Plugin, Ceilings };

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

bool showRealisticRoofs();
void setShowRealisticRoofs(bool show);
bool showAllPrecisions();
void setShowAllPrecisions(bool show);

} // namespace Settings
