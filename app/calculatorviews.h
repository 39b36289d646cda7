#pragma once
// The Calculator tab: one kernel (CalculatorTab) or a whole model's step (ModelView), switched by Kernel | Model
// buttons at its top. The main window asks it, as any page, for its chart and table: it answers for the view shown.

#include "shared/page.h"

class CalculatorTab;
class ModelView;
class QStackedWidget;
class QToolButton;

class CalculatorViews : public Page
{
    Q_OBJECT
public:
    enum class View { Kernel, Model };

    CalculatorViews(CalculatorTab* kernel, ModelView* model, QWidget* parent = nullptr);

    void showView(View view);
    View view() const;
    Page* currentView() const;
    QToolButton* kernelButton() const { return m_kernelButton; }
    QToolButton* modelButton() const { return m_modelButton; }

    QString title() const override { return tr("&Calculator"); }
    QImage exportImage(qreal scale = 2.0) const override;
    std::string csv() const override;
    bool canExport() const override;

Q_SIGNALS:
    void viewChanged();

private:
    CalculatorTab* m_kernel;
    ModelView* m_model;
    QStackedWidget* m_stack = nullptr;
    QToolButton* m_kernelButton = nullptr;
    QToolButton* m_modelButton = nullptr;
};
