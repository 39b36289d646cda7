#pragma once

#include "roofline/results/measurements.h"

#include <QImage>
#include <QWidget>

#include <initializer_list>
#include <string>

// One tab of the main window, and what the main window may ask of any of them: its title, its chart as an image,
// its table as CSV, and the results it holds (for File › Save results). The main window never asks which tab it is.
class Page : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0; // with its mnemonic: "&Calculator"
    // The chart (with the page's summary under it, if it has one) at `scale` × device pixels.
    virtual QImage exportImage(qreal scale = 2.0) const = 0;
    virtual std::string csv() const = 0;
    // False while there is nothing to export (the Validation tab before its first validation).
    virtual bool canExport() const { return true; }
    // The measurements behind what the page shows (for File › Save results); null when it has none.
    virtual const roofline::MeasurementSet* results() const { return nullptr; }

    // Each returns an empty string on success, else why not.
    QString exportPng(const QString& path) const;
    QString exportCsv(const QString& path) const;
    // Asks where (in the export folder, offering `fileName`), writes, and says why not in a message box. Returns
    // the path written; empty when cancelled or failed.
    QString askAndExportPng(const QString& fileName);
    QString askAndExportCsv(const QString& fileName);

protected:
    // The boxes of the page's side panel, top to bottom, and room below them.
    static QWidget* stackBoxes(std::initializer_list<QWidget*> boxes);
    // The page's layout: the column of boxes at the left, `content` (the chart, or chart and table) taking the rest.
    void setPanelAndContent(QWidget* panel, QWidget* content);

private:
    struct ExportTexts {
        QString dialogTitle;
        QString filter;
        QString errorTitle;
    };
    QString askAndExport(const QString& fileName, const ExportTexts& texts, QString (Page::*write)(const QString&) const);
};
