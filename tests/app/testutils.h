#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QString>
#include <QWidget>

#include <cstdlib>

namespace testutils {

// Per-test settings and data: ctest points ROOFLINE_LAB_DATA_DIR at a folder of this test's own, and QSettings
// goes below it too, so a test never reads or writes the user's configuration. Call before any QSettings use.
inline void isolateSettings()
{
    QByteArray dataDir = qgetenv("ROOFLINE_LAB_DATA_DIR");
    if (dataDir.isEmpty()) {
        dataDir = QDir::temp().filePath(QStringLiteral("roofline-lab-test-data")).toLocal8Bit();
        qputenv("ROOFLINE_LAB_DATA_DIR", dataDir);
    }
    qputenv("XDG_CONFIG_HOME", dataDir + "/config");
    QDir().mkpath(QString::fromLocal8Bit(dataDir) + QStringLiteral("/config"));
    QFile::remove(QString::fromLocal8Bit(dataDir) + QStringLiteral("/config/roofline-lab-tests/roofline-lab-tests.conf"));
    QCoreApplication::setOrganizationName(QStringLiteral("roofline-lab-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("roofline-lab-tests"));
}

inline QString seedFile()
{
    return QStringLiteral(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
}

// Where the build puts the plugins (the install layout: <build>/lib/roofline-lab).
inline QString pluginDir()
{
    return QStringLiteral(ROOFLINE_BINARY_DIR "/lib/roofline-lab");
}

inline QString cpuPluginFile()
{
    return pluginDir() + QStringLiteral("/libroofline_cpu.so");
}

// Closes the non-blocking error boxes a widget opened; returns their texts.
inline QStringList closeErrorBoxes(QWidget* parent)
{
    QStringList texts;
    const auto boxes = parent->findChildren<QMessageBox*>(QStringLiteral("errorMessage"));
    for (QMessageBox* box : boxes) {
        texts << box->text();
        delete box;
    }
    return texts;
}

} // namespace testutils
