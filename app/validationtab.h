#pragma once

#include "roofline/calibration.h"
#include "roofline/hardware_registry.h"
#include "roofline/measurements.h"
#include "roofline/validation.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

class CalibrationComparisonModel;
class HardwareComboBox;
class QAction;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QToolButton;
class RooflineChart;
class ValidationModel;

// Measured results against the model: a source (the last run, a file, pasted JSON), a hardware profile, a
// table coloured by error band, a summary, and the chart with measured triangles over predicted circles.
// "Calibrate from these measurements" fits a profile to the rows, saves it as a user profile and shows the
// datasheet and the calibrated profile side by side: a comparison table, a "Calibrated µs" column, and on the
// chart hollow circles (datasheet) beside filled ones (calibrated).
class ValidationTab : public QWidget
{
    Q_OBJECT
public:
    enum class Source { LastRun, File, Pasted };

    explicit ValidationTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    // Loads a results file as the File source. On bad input, shows where (line/row/field), keeps what was
    // loaded and shown before and returns false.
    bool openFile(const QString& path);
    // Several runs as one (cold and warm, say), the way `roofline calibrate RUN.json RUN2.json` reads them.
    bool openFiles(const QStringList& paths);
    void setLastRun(roofline::MeasurementSet results);
    void setPastedText(const QString& text);
    void setSource(Source source);
    Source source() const;
    // Validates the chosen source on the chosen hardware. False (and a message, previous table kept) when the
    // source cannot be read or no hardware is chosen.
    bool validate();

    // Calibrates a profile from the validated rows, starting from the selected hardware (key
    // "<base>_calibrated"), with an optional measured-ceilings file; saves it atomically as
    // user_hardware_dir()/<key>.json, adds it to the hardware list and shows it beside the datasheet. False (a
    // message naming the file or field, everything shown before kept, nothing written) on bad input.
    bool calibrate(const QString& ceilingsFile = {});
    // Asks for the ceilings file first (CalibrateDialog), then calibrates.
    void calibrateInteractively();
    bool hasCalibration() const { return m_calibration.has_value(); }
    // The profile shown beside the datasheet; null before a calibration, or once the results or hardware change.
    const roofline::HardwareSpec* calibratedProfile() const;
    QString calibratedProfileFile() const;
    QStringList calibrationLog() const;
    CalibrationComparisonModel* comparisonModel() const { return m_comparison; }
    QTableView* comparisonTable() const { return m_comparisonTable; }
    QAction* calibrateAction() const { return m_calibrateAction; }
    QPushButton* calibrateButton() const { return m_calibrateButton; }

    // Refined mode's terms (all on unless changed); the Terms button shows them while Refined is chosen.
    roofline::ModelTerms terms() const;
    void setTerms(const roofline::ModelTerms& terms);
    QToolButton* termsButton() const { return m_terms; }

    // The profiles changed on disk (a calibration saved one): list these, keeping what is shown.
    void setRegistry(std::shared_ptr<const roofline::HardwareRegistry> registry);

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
    // A calibrated profile was written to `file`: every hardware list of the app should now show `key`.
    void profileSaved(const QString& key, const QString& file);

private:
    void chooseFile();
    void onSelectionChanged();
    void selectReportRow(int row);
    void showReport();
    void fail(const QString& message, const QString& title = {});
    void revalidate();
    void refreshTermsButton();
    void updateCalibrationView();
    roofline::Mode currentMode() const;
    void selectHardwareOf(const roofline::MeasurementSet& set);
    void updateSourceLabels();
    std::optional<roofline::MeasurementSet> readSource();

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    std::optional<roofline::MeasurementSet> m_lastRun;
    std::optional<roofline::MeasurementSet> m_file;
    std::optional<roofline::MeasurementSet> m_validated;
    QString m_lastError;
    struct Calibration {
        roofline::HardwareSpec profile;
        std::string baseKey;          // the datasheet profile it started from
        std::string inputJson;        // the measurements it was fitted to: other results drop it
        QString file;                 // where it was saved
        QString ceilingsFile;         // empty: none
        std::size_t rowsUsed = 0;
        std::size_t rowsSkipped = 0;
        QStringList log;
    };
    std::optional<Calibration> m_calibration;

    QRadioButton* m_fromLastRun = nullptr;
    QRadioButton* m_fromFile = nullptr;
    QRadioButton* m_fromPaste = nullptr;
    QLabel* m_lastRunLabel = nullptr;
    QLabel* m_fileLabel = nullptr;
    QPlainTextEdit* m_paste = nullptr;
    HardwareComboBox* m_hardware = nullptr;
    QComboBox* m_mode = nullptr;
    QFormLayout* m_modelForm = nullptr;
    QToolButton* m_terms = nullptr;
    QList<QAction*> m_termActions; // one per roofline::model_terms() entry, in its order
    QPushButton* m_validate = nullptr;
    QPushButton* m_calibrateButton = nullptr;
    QAction* m_calibrateAction = nullptr;
    QWidget* m_comparisonPanel = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_comparisonCaption = nullptr;
    QTableView* m_comparisonTable = nullptr;
    CalibrationComparisonModel* m_comparison = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    ValidationModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    RooflineChart* m_chart = nullptr;
};
