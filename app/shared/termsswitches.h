#pragma once

#include "roofline/model/calculator.h"

#include <QWidget>

#include <vector>

class QAction;
class QCheckBox;
class QToolButton;

// The refined model's terms as switches, one per roofline::model_terms() entry, in its order: check boxes in two
// columns (the Calculator), or a button whose menu holds them and whose text says which are on (the Validation tab).
class TermsSwitches : public QWidget
{
    Q_OBJECT
public:
    enum class Style { CheckBoxes, Menu };
    TermsSwitches(Style style, QWidget* parent = nullptr);

    roofline::ModelTerms terms() const;
    // Sets every switch at once: one termsChanged, and only when something changed. Returns whether it did.
    bool setTerms(const roofline::ModelTerms& terms);

    // CheckBoxes style: the i-th term's box. Menu style: null.
    QCheckBox* checkBox(int i) const;
    // Menu style: the button. CheckBoxes style: null.
    QToolButton* menuButton() const { return m_button; }

Q_SIGNALS:
    void termsChanged();

private:
    bool isOn(std::size_t i) const;
    void setOn(std::size_t i, bool on);
    void refreshButtonText();

    std::vector<QCheckBox*> m_boxes;  // CheckBoxes style
    std::vector<QAction*> m_actions;  // Menu style
    QToolButton* m_button = nullptr;
};
