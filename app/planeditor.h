#pragma once

#include "roofline/bench_plan.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

// A benchmark plan as kernels × shapes × precisions, cold or warm, with a time budget per case. Starts from
// one of the core's plans (the implementation plan's shapes by default) and can be edited freely.
class PlanEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PlanEditor(QWidget* parent = nullptr);

    // Throws roofline::InputError naming the field that cannot be read.
    roofline::BenchPlan plan() const;
    void setPlan(const roofline::BenchPlan& plan);
    // Loads one of the presets by name: "default", "smoke", "extended".
    void loadPreset(const QString& name);
    // How many cases plan() would give; -1 when a field cannot be read.
    int caseCount() const;

    QComboBox* presetBox() const { return m_preset; }
    QLineEdit* shapesEdit(roofline::KernelType kernel) const;
    QCheckBox* kernelBox(roofline::KernelType kernel) const;
    QCheckBox* precisionBox(roofline::Precision precision) const;
    QComboBox* cacheModeBox() const { return m_cacheMode; }
    QDoubleSpinBox* budgetBox() const { return m_budget; }

Q_SIGNALS:
    void planChanged();

private:
    void updateCount();

    roofline::BenchPlan m_base; // sampling settings the editor does not show are kept from the preset
    QComboBox* m_preset = nullptr;
    std::map<roofline::KernelType, QCheckBox*> m_kernels;
    std::map<roofline::KernelType, QLineEdit*> m_shapes;
    std::map<roofline::Precision, QCheckBox*> m_precisions;
    QComboBox* m_cacheMode = nullptr;
    QDoubleSpinBox* m_budget = nullptr;
    QLabel* m_count = nullptr;
};
