#pragma once

#include "validation/calibrationrun.h"
#include "shared/page.h"
#include "validation/resultssourcebox.h"
#include "shared/resultsview.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/results/validation.h"

#include <memory>
#include <optional>

class CalibrationComparisonModel;
class CalibrationPanel;
class HardwareComboBox;
class QAction;
class QComboBox;
class QFormLayout;
class QGroupBox;
class DeviceNote;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;
class RooflineChart;
class StepRunsPanel;
class TermsSwitches;
class ValidationModel;

// Measured results against the model: a source (the last run, a file, pasted JSON), a hardware profile, a
// table coloured by error band, a summary, and the chart with measured triangles over predicted circles.
// "Calibrate from these measurements" fits a profile to the rows, saves it as a user profile and shows the
// datasheet and the calibrated profile side by side: a comparison table, a "Calibrated µs" column, and on the
// chart hollow circles (datasheet) beside filled ones (calibrated).
class ValidationTab : public Page
{
    Q_OBJECT
public:
    using Source = ResultsSourceBox::Source;

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
    // roofline::calibrated_key), with an optional measured-ceilings file; saves it atomically as a user profile
    // (roofline::save_user_profile), adds it to the hardware list and shows it beside the datasheet. False (a
    // message naming the file or field, everything shown before kept, nothing written) on bad input.
    bool calibrate(const QString& ceilingsFile = {});
    // Asks for the ceilings file first (CalibrateDialog), then calibrates.
    void calibrateInteractively();
    bool hasCalibration() const { return m_calibration.has_value(); }
    // The profile shown beside the datasheet; null before a calibration, or once the results or hardware change.
    const roofline::HardwareSpec* calibratedProfile() const;
    QString calibratedProfileFile() const;
    QStringList calibrationLog() const;
    CalibrationComparisonModel* comparisonModel() const;
    QTableView* comparisonTable() const;
    QAction* calibrateAction() const { return m_calibrateAction; }
    QPushButton* calibrateButton() const { return m_calibrateButton; }

    // Refined mode's terms (all on unless changed); the Terms button shows them while Refined is chosen.
    roofline::ModelTerms terms() const;
    void setTerms(const roofline::ModelTerms& terms);
    QToolButton* termsButton() const;

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

    QString title() const override { return tr("&Validation"); }
    QImage exportImage(qreal scale = 2.0) const override; // the chart with the summary under it
    std::string csv() const override;                     // the table plus the summary
    bool canExport() const override { return hasReport(); }
    const roofline::MeasurementSet* results() const override { return m_validated ? &*m_validated : nullptr; }

    HardwareComboBox* hardwareBox() const { return m_hardware; }
    QComboBox* modeBox() const { return m_mode; }
    QPushButton* validateButton() const { return m_validate; }
    QTableView* table() const { return m_results->table(); }
    ValidationModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_results->proxy(); }
    RooflineChart* chart() const { return m_results->chart(); }
    // The measured model runs of the report (model_step rows, llama-bench tests): a table and their tokens/s.
    StepRunsPanel* stepRuns() const { return m_stepRuns; }

Q_SIGNALS:
    void reportChanged();
    void hardwareChanged(const QString& key);
    // A calibrated profile was written to `file`: every hardware list of the app should now show `key`.
    void profileSaved(const QString& key, const QString& file);

private:
    QGroupBox* buildModelBox();
    QGroupBox* buildSummaryBox();

    void connectControls();
    void followSelection();
    void showReport();
    void fail(const QString& message, const QString& title = {});
    void revalidate();
    roofline::Mode currentMode() const;
    void selectHardwareOf(const roofline::MeasurementSet& set);

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    std::optional<roofline::MeasurementSet> m_validated;
    QString m_lastError;
    std::optional<SavedCalibration> m_calibration;

    ValidationModel* m_model = nullptr;
    ResultsSourceBox* m_source = nullptr;
    HardwareComboBox* m_hardware = nullptr;
    QComboBox* m_mode = nullptr;
    QFormLayout* m_modelForm = nullptr;
    TermsSwitches* m_terms = nullptr;
    QPushButton* m_validate = nullptr;
    QPushButton* m_calibrateButton = nullptr;
    QAction* m_calibrateAction = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportCsv = nullptr;
    DeviceNote* m_deviceNote = nullptr;
    QLabel* m_summary = nullptr;
    CalibrationPanel* m_calibrationPanel = nullptr;
    ResultsView* m_results = nullptr;
    StepRunsPanel* m_stepRuns = nullptr;
};
