#include "shared/filedialogs.h"

#include <QFileDialog>

namespace FileDialogs {

QString askOpenPath(QWidget* parent, Settings::Folder folder, const QString& title, const QString& filter,
                    const QString& startAt)
{
    const QString start = startAt.isEmpty() ? Settings::lastFolder(folder) : startAt;
    const QString path = QFileDialog::getOpenFileName(parent, title, start, filter);
    Settings::rememberFolderOf(folder, path);
    return path;
}

QStringList askOpenPaths(QWidget* parent, Settings::Folder folder, const QString& title, const QString& filter)
{
    const QStringList paths = QFileDialog::getOpenFileNames(parent, title, Settings::lastFolder(folder), filter);
    if (!paths.isEmpty())
        Settings::rememberFolderOf(folder, paths.constFirst());
    return paths;
}

QString askSavePath(QWidget* parent, Settings::Folder folder, const QString& title, const QString& fileName,
                    const QString& filter)
{
    const QString path =
        QFileDialog::getSaveFileName(parent, title, Settings::lastFolder(folder) + QLatin1Char('/') + fileName, filter);
    Settings::rememberFolderOf(folder, path);
    return path;
}

} // namespace FileDialogs
