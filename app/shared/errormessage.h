#pragma once

#include <QString>

class QMessageBox;
class QWidget;

// A warning that does not block: QMessageBox::open() instead of exec(), so an error raised from a worker
// signal or in a test never waits on a nested event loop. The box deletes itself when closed.
QMessageBox* showError(QWidget* parent, const QString& title, const QString& text);
