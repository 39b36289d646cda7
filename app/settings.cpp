#include "settings.h"

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
    }
    return QStringLiteral("folders/other");
}

} // namespace

namespace Settings {

QString lastHardware()
{
    return QSettings().value(QStringLiteral("hardware/last"), QStringLiteral("b10")).toString();
}

void setLastHardware(const QString& key)
{
    QSettings().setValue(QStringLiteral("hardware/last"), key);
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

QByteArray windowGeometry()
{
    return QSettings().value(QStringLiteral("window/geometry")).toByteArray();
}

void setWindowGeometry(const QByteArray& geometry)
{
    QSettings().setValue(QStringLiteral("window/geometry"), geometry);
}

QByteArray windowState()
{
    return QSettings().value(QStringLiteral("window/state")).toByteArray();
}

void setWindowState(const QByteArray& state)
{
    QSettings().setValue(QStringLiteral("window/state"), state);
}

QString lastCeilingsFile()
{
    return QSettings().value(QStringLiteral("calibration/ceilingsFile")).toString();
}

void setLastCeilingsFile(const QString& path)
{
    QSettings().setValue(QStringLiteral("calibration/ceilingsFile"), path);
}

QString pluginFile()
{
    return QSettings().value(QStringLiteral("plugin/file")).toString();
}

void setPluginFile(const QString& path)
{
    QSettings().setValue(QStringLiteral("plugin/file"), path);
}

bool showRealisticRoofs()
{
    return QSettings().value(QStringLiteral("view/realisticRoofs"), true).toBool();
}

void setShowRealisticRoofs(bool show)
{
    QSettings().setValue(QStringLiteral("view/realisticRoofs"), show);
}

bool showAllPrecisions()
{
    return QSettings().value(QStringLiteral("view/allPrecisions"), false).toBool();
}

void setShowAllPrecisions(bool show)
{
    QSettings().setValue(QStringLiteral("view/allPrecisions"), show);
}

} // namespace Settings
