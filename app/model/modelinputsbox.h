#pragma once
// The Model view's inputs: the hardware, the model picker (built-ins and the files opened before), the weight
// and KV precisions, the step's batch, prompt, context and TP, the mode and the fusion; read as StepOptions.

#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/workload.h"

#include <QGroupBox>

#include <memory>

class HardwareComboBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QToolButton;

class ModelInputsBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit ModelInputsBox(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    // Built-ins, then the remembered files (Settings::recentModelFiles); `current` selected.
    void fillModels(const QString& current);
    void describeModel(const roofline::ModelDescription& model);
    // Throws InputError for a weights text parse_weight_scheme refuses.
    roofline::StepOptions stepOptions() const;

    HardwareComboBox* hardware() const { return m_hardware; }
    QComboBox* models() const { return m_models; }
    QComboBox* weights() const { return m_weights; }
    QComboBox* kv() const { return m_kv; }
    QComboBox* mode() const { return m_mode; }
    QComboBox* fusion() const { return m_fusion; }
    QSpinBox* batch() const { return m_batch; }
    QSpinBox* prompt() const { return m_prompt; }
    QSpinBox* context() const { return m_context; }
    QSpinBox* tp() const { return m_tp; }

Q_SIGNALS:
    void changed();                          // any input but the hardware and the model
    void modelChosen(const QString& nameOrPath);
    void openModelRequested();

private:
    HardwareComboBox* m_hardware;
    QComboBox* m_models;
    QToolButton* m_open;
    QLabel* m_info;
    QComboBox* m_weights;
    QComboBox* m_kv;
    QSpinBox* m_batch;
    QSpinBox* m_prompt;
    QSpinBox* m_context;
    QSpinBox* m_tp;
    QComboBox* m_mode;
    QComboBox* m_fusion;
};
