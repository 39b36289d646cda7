#pragma once

#include "roofline/benchmarking/bench_plan.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

// A benchmark plan as kernels × shapes × precisions, cold or warm, with a time budget per case. Starts from
// one of the core's plans (the implementation plan's shapes by default) and can be edited freely. Until its
// shapes, kernels or precisions are edited, the plan is the preset's own cases (the llm plan runs each shape in
// one precision); after an edit, every shape runs in every precision ticked. A shape ending in ",warm" or ",cold"
// keeps that cache mode whatever the plan's.
class PlanEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PlanEditor(QWidget* parent = nullptr);

    // Throws roofline::InputError naming the field that cannot be read.
    roofline::BenchPlan plan() const;
    void setPlan(const roofline::BenchPlan& plan);
    // Loads one of the presets by name: "default", "smoke", "extended", "llm".
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
    // What the shape, kernel and precision fields hold, to tell an edited plan from the one last set.
    QStringList fieldsState() const;

    roofline::BenchPlan m_base; // sampling settings the editor does not show are kept from the preset
    QStringList m_baseState;    // fieldsState() as setPlan left it
    QComboBox* m_preset = nullptr;
    std::map<roofline::KernelType, QCheckBox*> m_kernels;
    std::map<roofline::KernelType, QLineEdit*> m_shapes;
    std::map<roofline::Precision, QCheckBox*> m_precisions;
    QComboBox* m_cacheMode = nullptr;
    QDoubleSpinBox* m_budget = nullptr;
    QLabel* m_count = nullptr;
};
