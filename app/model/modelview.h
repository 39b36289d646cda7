#pragma once
// The Calculator tab's Model view: a whole model's step on one device, as `roofline model` predicts it. A model
// (built-in, config.json or GGUF, remembered), its precisions and the step's batch, prompt and context; tokens/s,
// TTFT, TPOT and the memory the step needs against the device's; the kernels of one layer and of the head as a
// table and as points on the roofline sized by their share of the step; tokens/s over batch or context on a
// chart of its own, with measured runs (a results file's model_step rows, llama-bench output) beside it.

#include "shared/page.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/step_prediction.h"
#include "roofline/results/validation.h"

#include <memory>
#include <optional>
#include <vector>

class HardwareComboBox;
class ModelInputsBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QProgressBar;
class QSpinBox;
class QSplitter;
class QTableView;
class QToolButton;
class ResultsView;
class RooflineChart;
class StepKernelsModel;
class StepResultBox;
class TokensRateChart;

class ModelView : public Page
{
    Q_OBJECT
public:
    enum class Sweep { Batch, Context };

    explicit ModelView(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    // A built-in name, or a config.json or GGUF path: loaded, listed in the picker, remembered. False (the reason
    // in errorText(), the model before kept) when it cannot be read.
    bool setModel(const QString& nameOrPath);
    QString modelKey() const;
    const roofline::ModelDescription* model() const { return m_model ? &*m_model : nullptr; }
    // A results file's model_step rows or llama-bench output, validated on this view's hardware and mode and
    // shown on the tokens/s chart. False (the reason in errorText()) on bad input.
    bool openMeasuredRuns(const QString& path);
    const std::vector<roofline::StepValidationRow>& measuredRuns() const { return m_runs; }

    // The inputs as core's step prediction takes them (the same options `roofline model` builds from its flags).
    roofline::StepOptions stepOptions() const;
    // The prefill at the context and a decode step after it (`roofline model --phase both`); nullopt when the
    // inputs have none (errorText() says why).
    const std::optional<roofline::StepPrediction>& prediction() const { return m_prediction; }
    QString errorText() const;
    QString summaryText() const;

    QString title() const override { return tr("&Model"); }
    QImage exportImage(qreal scale = 2.0) const override; // both charts, the summary under them
    std::string csv() const override;                     // the summary, the kernels, the sweep, the measured runs
    bool canExport() const override { return m_prediction.has_value(); }

    HardwareComboBox* hardwareBox() const;
    QComboBox* modelBox() const;
    QComboBox* weightsBox() const;
    QComboBox* kvBox() const;
    QComboBox* modeBox() const;
    QSpinBox* batchBox() const;
    QSpinBox* promptBox() const;
    QSpinBox* contextBox() const;
    QSpinBox* tpBox() const;
    QComboBox* phaseBox() const { return m_phase; }
    QComboBox* sweepBox() const { return m_sweep; }
    QLabel* decodeRateLabel() const;
    QLabel* ttftLabel() const;
    QLabel* memoryLabel() const;
    QProgressBar* memoryBar() const;
    RooflineChart* chart() const;
    TokensRateChart* ratesChart() const { return m_rates; }
    QTableView* table() const;
    StepKernelsModel* kernelsModel() const { return m_kernels; }

Q_SIGNALS:
    void hardwareChanged(const QString& key);

private:
    QGroupBox* buildChartBox();
    void connectControls();
    void recompute();
    void showKernels();
    void showSweep(const roofline::HardwareSpec& hw, const roofline::StepOptions& options);
    void showRuns(const roofline::HardwareSpec& hw);
    void clearResult(const QString& why);
    void chooseModelFile();
    void chooseRunsFile();

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    std::optional<roofline::ModelDescription> m_model;
    QString m_modelKey;
    std::optional<roofline::StepPrediction> m_prediction;
    std::vector<roofline::StepMeasurement> m_measured; // the runs file's model_step rows
    QString m_runsSource;
    std::vector<roofline::StepValidationRow> m_runs;   // … validated on the current inputs' device and mode

    ModelInputsBox* m_inputs = nullptr;
    StepResultBox* m_result = nullptr;
    QComboBox* m_phase = nullptr;
    QComboBox* m_sweep = nullptr;
    QLabel* m_runsText = nullptr;
    StepKernelsModel* m_kernels = nullptr;
    ResultsView* m_results = nullptr;
    QSplitter* m_charts = nullptr;
    TokensRateChart* m_rates = nullptr;
};
