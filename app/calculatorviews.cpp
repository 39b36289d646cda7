#include "calculatorviews.h"

#include "calculator/calculatortab.h"
#include "model/modelview.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

CalculatorViews::CalculatorViews(CalculatorTab* kernel, ModelView* model, QWidget* parent)
    : Page(parent)
    , m_kernel(kernel)
    , m_model(model)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* switchRow = new QHBoxLayout;
    switchRow->setContentsMargins(10, 0, 10, 0);
    auto* group = new QButtonGroup(this);
    const auto button = [&](const QString& text, const char* name, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setObjectName(QString::fromLatin1(name));
        b->setCheckable(true);
        b->setToolTip(tip);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        group->addButton(b);
        switchRow->addWidget(b);
        return b;
    };
    m_kernelButton = button(tr("&Kernel"), "viewKernel", tr("One kernel: its time, throughput and place on the roofline"));
    m_modelButton = button(tr("Mo&del"), "viewModel", tr("A whole model's decode step and prefill: tokens/s, TTFT, TPOT and memory"));
    m_kernelButton->setChecked(true);
    switchRow->addStretch();
    layout->addLayout(switchRow);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_kernel);
    m_stack->addWidget(m_model);
    layout->addWidget(m_stack, 1);
    connect(group, &QButtonGroup::buttonClicked, this, [this](QAbstractButton* b) {
        showView(b == m_modelButton ? View::Model : View::Kernel);
    });
}

void CalculatorViews::showView(View view)
{
    (view == View::Model ? m_modelButton : m_kernelButton)->setChecked(true);
    QWidget* target = view == View::Model ? static_cast<QWidget*>(m_model) : m_kernel;
    if (m_stack->currentWidget() == target)
        return;
    m_stack->setCurrentWidget(target);
    Q_EMIT viewChanged();
}

CalculatorViews::View CalculatorViews::view() const
{
    return m_stack->currentWidget() == m_model ? View::Model : View::Kernel;
}

Page* CalculatorViews::currentView() const
{
    return view() == View::Model ? static_cast<Page*>(m_model) : m_kernel;
}

QImage CalculatorViews::exportImage(qreal scale) const
{
    return currentView()->exportImage(scale);
}

std::string CalculatorViews::csv() const
{
    return currentView()->csv();
}

bool CalculatorViews::canExport() const
{
    return currentView()->canExport();
}
