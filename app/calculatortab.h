#pragma once

#include "roofline/calculator.h"
#include "roofline/hardware_registry.h"

#include <QWidget>

#include <array>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class HardwareComboBox;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QRadioButton;
class QSpinBox;
class RooflineChart;
class ShapeEditor;

// Predicts one kernel as you type, and optionally a sweep of one dimension, and puts both on the chart.
class CalculatorTab : public QWidget
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
    QCheckBox* termBox(int i) const { return m_termBoxes[static_cast<std::size_t>(i)]; }
    QWidget* refinedOptions() const { return m_refinedOptions; }
    bool setPrecision(roofline::Precision precision);
    void setKernel(roofline::KernelType kernel);
    // The last prediction; nullopt when the inputs have none (the error text says why).
    const std::optional<roofline::Prediction>& prediction() const { return m_prediction; }
    // Every result field in one line of text, as shown.
    QString resultText() const;
    QString errorText() const;
    // The prediction and the sweep points, one CSV record each.
    std::string csv() const;

Q_SIGNALS:
    void hardwareChanged(const QString& key);

private:
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
    QFormLayout* m_inputForm = nullptr;
    QWidget* m_refinedOptions = nullptr; // the terms and the cache choice
    std::vector<QCheckBox*> m_termBoxes; // one per roofline::model_terms() entry
    QRadioButton* m_cold = nullptr;
    QRadioButton* m_warm = nullptr;
    QLabel* m_breakdown = nullptr; // how the time was put together, one term a line
    QGroupBox* m_sweep = nullptr;
    QComboBox* m_sweepDimension = nullptr;
    QSpinBox* m_sweepFrom = nullptr;
    QSpinBox* m_sweepTo = nullptr;
    QSpinBox* m_sweepPoints = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_sweepNote = nullptr;
    struct ResultLabels {
        QLabel* time_us;
        QLabel* tflops;
        QLabel* effective_tflops;
        QLabel* ai;
        QLabel* critical_ai;
        QLabel* bottleneck;
        QLabel* efficiency;
        QLabel* flops;
        QLabel* bytes;
    } m_result{};
    RooflineChart* m_chart = nullptr;
    std::optional<roofline::Prediction> m_prediction;
    struct Row {
        roofline::KernelShape shape;
        roofline::Precision precision;
        roofline::Prediction prediction;
        bool sweep;
    };
    std::vector<Row> m_rows; // what the chart shows, for CSV export
};
