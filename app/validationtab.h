#pragma once

#include "roofline/hardware_registry.h"
#include "roofline/measurements.h"
#include "roofline/validation.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

class HardwareComboBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSortFilterProxyModel;
class QTableView;
class RooflineChart;
class ValidationModel;

// Measured results against the model: a source (the last run, a file, pasted JSON), a hardware profile, a
// table coloured by error band, a summary, and the chart with measured triangles over predicted circles.
class ValidationTab : public QWidget
{
    Q_OBJECT
public:
    enum class Source { LastRun, File, Pasted };

    explicit ValidationTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    // Loads a results file as the File source. On bad input, shows where (line/row/field), keeps what was
    // loaded and shown before and returns false.
    bool openFile(const QString& path);
    void setLastRun(roofline::MeasurementSet results);
    void setPastedText(const QString& text);
    void setSource(Source source);
    Source source() const;
    // Validates the chosen source on the chosen hardware. False (and a message, previous table kept) when the
    // source cannot be read or no hardware is chosen.
    bool validate();

    bool hasReport() const;
    const roofline::ValidationReport& report() const;
    // The measurements behind the table (for File › Save results); nullopt before the first validation.
    const std::optional<roofline::MeasurementSet>& validatedInput() const { return m_validated; }
    // Plain text (for the exported image) and the same as a small table (for the panel).
    QString summaryText() const;
    QString summaryHtml() const;
    QString lastError() const { return m_lastError; }

    // The chart with the summary under it, at `scale` × device pixels.
    QImage exportImage(qreal scale = 2.0) const;
    std::string csv() const; // the table plus the summary
    // Each returns an empty string on success, else why not.
    QString exportPng(const QString& path) const;
    QString exportCsv(const QString& path) const;

    HardwareComboBox* hardwareBox() const { return m_hardware; }
    QComboBox* modeBox() const { return m_mode; }
    QPushButton* validateButton() const { return m_validate; }
    QTableView* table() const { return m_table; }
    ValidationModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    RooflineChart* chart() const { return m_chart; }

Q_SIGNALS:
    void reportChanged();
    void hardwareChanged(const QString& key);

private:
    void chooseFile();
    void onSelectionChanged();
    void selectReportRow(int row);
    void showReport();
    void fail(const QString& message);
    void selectHardwareOf(const roofline::MeasurementSet& set);
    void updateSourceLabels();
    std::optional<roofline::MeasurementSet> readSource();

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    std::optional<roofline::MeasurementSet> m_lastRun;
    std::optional<roofline::MeasurementSet> m_file;
    std::optional<roofline::MeasurementSet> m_validated;
    QString m_lastError;

    QRadioButton* m_fromLastRun = nullptr;
    QRadioButton* m_fromFile = nullptr;
    QRadioButton* m_fromPaste = nullptr;
    QLabel* m_lastRunLabel = nullptr;
    QLabel* m_fileLabel = nullptr;
    QPlainTextEdit* m_paste = nullptr;
    HardwareComboBox* m_hardware = nullptr;
    QComboBox* m_mode = nullptr;
    QPushButton* m_validate = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    ValidationModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    RooflineChart* m_chart = nullptr;
};
