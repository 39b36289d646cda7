#pragma once

#include "roofline/model/calculator.h"
#include "roofline/hardware/hardware_registry.h"

#include "shared/page.h"
#include "calculator/predictiontext.h"

#include <array>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class HardwareComboBox;
class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QRadioButton;
class QSpinBox;
class RooflineChart;
class ShapeEditor;
class TermsSwitches;

// Predicts one kernel as you type, and optionally a sweep of one dimension, and puts both on the chart.
class CalculatorTab : public Page
{
    Q_OBJECT
public:
    explicit CalculatorTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    HardwareComboBox* hardwareBox() const { return m_hardware; }
    QComboBox* kernelBox() const { return m_kernel; }
    QComboBox* precisionBox() const { return m_precision; }
    ShapeEditor* shapeEditor() const { return m_shape; }
    QGroupBox* sweepBox() const { return m_sweep; }
    QComboBox* sweepDimensionBox() const { return m_sweepDimension; }
    QSpinBox* sweepFromBox() const { return m_sweepFrom; }
    QSpinBox* sweepToBox() const { return m_sweepTo; }
    QSpinBox* sweepPointsBox() const { return m_sweepPoints; }
    RooflineChart* chart() const { return m_chart; }

    void setMode(roofline::Mode mode);
    roofline::Mode mode() const;
    // Refined mode's switches (shown only in Refined mode): the terms and the cache state of the inputs.
    void setTerms(const roofline::ModelTerms& terms);
    roofline::ModelTerms terms() const;
    void setCacheMode(roofline::CacheMode cache);
    roofline::CacheMode cacheMode() const;
    roofline::ModelOptions modelOptions() const;
    // In roofline::model_terms() order: floor, L2, waves, split, power, alignment.
    QCheckBox* termBox(int i) const;
    QWidget* refinedOptions() const { return m_refinedOptions; }
    bool setPrecision(roofline::Precision precision);
    void setKernel(roofline::KernelType kernel);
    // The last prediction; nullopt when the inputs have none (the error text says why).
    const std::optional<roofline::Prediction>& prediction() const { return m_prediction; }
    // Every result field in one line of text, as shown.
    QString resultText() const;
    QString errorText() const;
    // The prediction and the sweep points, one CSV record each.
    std::string csv() const override;
    QString title() const override { return tr("&Calculator"); }
    QImage exportImage(qreal scale = 2.0) const override;

    // The Prediction box's value labels.
    struct ResultLabels {
        QLabel* timeUs;
        QLabel* tflops;
        QLabel* effectiveTflops;
        QLabel* ai;
        QLabel* criticalAi;
        QLabel* bottleneck;
        QLabel* efficiency;
        QLabel* flops;
        QLabel* bytes;
    };

Q_SIGNALS:
    void hardwareChanged(const QString& key);

private:
    QGroupBox* buildKernelBox();
    QHBoxLayout* buildModeRow(QWidget* box);
    QWidget* buildRefinedOptions(QWidget* box);
    QGroupBox* buildPredictionBox();
    QGroupBox* buildSweepBox();
    void connectControls();
    void onHardwareChanged();
    void onKernelChanged();
    void fillSweepDimensions();
    void recompute();
    void showResult(const roofline::Prediction& p);
    void clearResult(const QString& why);

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    HardwareComboBox* m_hardware = nullptr;
    QComboBox* m_kernel = nullptr;
    ShapeEditor* m_shape = nullptr;
    QComboBox* m_precision = nullptr;
    QRadioButton* m_ideal = nullptr;
    QRadioButton* m_realistic = nullptr;
    QRadioButton* m_refined = nullptr;
    QButtonGroup* m_modeGroup = nullptr;
    QFormLayout* m_inputForm = nullptr;
    QWidget* m_refinedOptions = nullptr; // the terms and the cache choice
    TermsSwitches* m_terms = nullptr;
    QRadioButton* m_cold = nullptr;
    QRadioButton* m_warm = nullptr;
    QButtonGroup* m_cacheGroup = nullptr;
    QLabel* m_breakdown = nullptr; // how the time was put together, one term a line
    QGroupBox* m_sweep = nullptr;
    QComboBox* m_sweepDimension = nullptr;
    QSpinBox* m_sweepFrom = nullptr;
    QSpinBox* m_sweepTo = nullptr;
    QSpinBox* m_sweepPoints = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_sweepNote = nullptr;
    ResultLabels m_result{};
    RooflineChart* m_chart = nullptr;
    std::optional<roofline::Prediction> m_prediction;
    std::vector<PredictionText::CsvRow> m_rows; // what the chart shows, for CSV export
};
