#include "shared/termsswitches.h"

#include "shared/modeltermlabels.h"
#include "shared/textconv.h"

#include <QAction>
#include <QCheckBox>
#include <QGridLayout>
#include <QMenu>
#include <QSignalBlocker>
#include <QToolButton>

TermsSwitches::TermsSwitches(Style style, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setVerticalSpacing(2);
    const auto& terms = roofline::model_terms();
    if (style == Style::CheckBoxes) {
        for (std::size_t i = 0; i < terms.size(); ++i) {
            auto* box = new QCheckBox(termLabel(terms[i], true), this);
            box->setObjectName(termObjectName(terms[i]));
            box->setToolTip(termToolTip(terms[i]));
            box->setChecked(true);
            layout->addWidget(box, static_cast<int>(i / 2), static_cast<int>(i % 2));
            connect(box, &QCheckBox::toggled, this, &TermsSwitches::termsChanged);
            m_boxes.push_back(box);
        }
        return;
    }
    m_button = new QToolButton(this);
    m_button->setObjectName(QStringLiteral("terms"));
    m_button->setPopupMode(QToolButton::InstantPopup);
    m_button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* menu = new QMenu(m_button);
    for (const roofline::TermInfo& term : terms) {
        QAction* action = menu->addAction(termLabel(term, false));
        action->setObjectName(termObjectName(term));
        action->setCheckable(true);
        action->setChecked(true);
        action->setToolTip(termToolTip(term));
        connect(action, &QAction::toggled, this, [this] {
            refreshButtonText();
            Q_EMIT termsChanged();
        });
        m_actions.push_back(action);
    }
    menu->setToolTipsVisible(true);
    m_button->setMenu(menu);
    layout->addWidget(m_button, 0, 0);
    refreshButtonText();
}

roofline::ModelTerms TermsSwitches::terms() const
{
    roofline::ModelTerms terms;
    const auto& infos = roofline::model_terms();
    for (std::size_t i = 0; i < infos.size(); ++i)
        terms.*infos[i].flag = isOn(i);
    return terms;
}

bool TermsSwitches::setTerms(const roofline::ModelTerms& terms)
{
    const auto& infos = roofline::model_terms();
    bool changed = false;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        const bool on = terms.*infos[i].flag;
        changed = changed || isOn(i) != on;
        setOn(i, on);
    }
    refreshButtonText();
    if (changed)
        Q_EMIT termsChanged();
    return changed;
}

QCheckBox* TermsSwitches::checkBox(int i) const
{
    return m_boxes.empty() ? nullptr : m_boxes.at(static_cast<std::size_t>(i));
}

bool TermsSwitches::isOn(std::size_t i) const
{
    return m_boxes.empty() ? m_actions[i]->isChecked() : m_boxes[i]->isChecked();
}

void TermsSwitches::setOn(std::size_t i, bool on)
{
    QObject* control = m_boxes.empty() ? static_cast<QObject*>(m_actions[i]) : m_boxes[i];
    const QSignalBlocker blocker(control);
    if (m_boxes.empty())
        m_actions[i]->setChecked(on);
    else
        m_boxes[i]->setChecked(on);
}

void TermsSwitches::refreshButtonText()
{
    if (!m_button)
        return;
    QStringList on;
    const auto& infos = roofline::model_terms();
    for (std::size_t i = 0; i < infos.size(); ++i) {
        if (isOn(i))
            on << toQString(infos[i].key);
    }
    const int all = static_cast<int>(infos.size());
    m_button->setText(on.size() == all ? tr("All %n terms", nullptr, all)
                      : on.isEmpty()   ? tr("None (the realistic mode)")
                                       : on.join(QStringLiteral(", ")));
}
