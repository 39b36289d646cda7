#pragma once
// The labels a result form is made of: a value the user can select and copy, and the red line that says why
// there is no result (hidden until there is a reason).

class QLabel;
class QString;
class QWidget;

QLabel* valueLabel(const QString& objectName, QWidget* parent);
QLabel* errorLabel(const QString& objectName, QWidget* parent);
