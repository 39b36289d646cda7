#pragma once

#include "shared/settings.h"

#include <QString>
#include <QStringList>

class QWidget;

// File dialogs that start where the last one of their kind ended (Settings::lastFolder) and remember where this one
// ends. Each returns "" (or no paths) when cancelled.
namespace FileDialogs {

// `startAt`: a file to start at instead of the remembered folder (the one chosen before, say).
QString askOpenPath(QWidget* parent, Settings::Folder folder, const QString& title, const QString& filter,
                    const QString& startAt = {});
QStringList askOpenPaths(QWidget* parent, Settings::Folder folder, const QString& title, const QString& filter);
// Offers `fileName` in the remembered folder.
QString askSavePath(QWidget* parent, Settings::Folder folder, const QString& title, const QString& fileName,
                    const QString& filter);

} // namespace FileDialogs
