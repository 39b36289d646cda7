#include "shared/page.h"

#include "shared/errormessage.h"
#include "shared/exporters.h"
#include "shared/filedialogs.h"

#include <QHBoxLayout>
#include <QVBoxLayout>

QString Page::exportPng(const QString& path) const
{
    return Exporters::writePng(exportImage(), path);
}

QString Page::exportCsv(const QString& path) const
{
    return Exporters::writeText(path, csv());
}

QString Page::askAndExportPng(const QString& fileName)
{
    return askAndExport(fileName, {tr("Export chart as PNG"), tr("PNG images (*.png)"), tr("Export PNG")}, &Page::exportPng);
}

QString Page::askAndExportCsv(const QString& fileName)
{
    return askAndExport(fileName, {tr("Export table as CSV"), tr("CSV files (*.csv)"), tr("Export CSV")}, &Page::exportCsv);
}

QString Page::askAndExport(const QString& fileName, const ExportTexts& texts, QString (Page::*write)(const QString&) const)
{
    const QString path = FileDialogs::askSavePath(this, Settings::Folder::Export, texts.dialogTitle, fileName, texts.filter);
    if (path.isEmpty())
        return {};
    if (const QString error = (this->*write)(path); !error.isEmpty()) {
        showError(this, texts.errorTitle, tr("Could not write %1: %2").arg(path, error));
        return {};
    }
    return path;
}

QWidget* Page::stackBoxes(std::initializer_list<QWidget*> boxes)
{
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    for (QWidget* box : boxes)
        layout->addWidget(box);
    layout->addStretch();
    return panel;
}

void Page::setPanelAndContent(QWidget* panel, QWidget* content)
{
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(panel);
    layout->addWidget(content, 1);
}
