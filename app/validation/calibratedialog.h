#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

// Asks for what "Calibrate from these measurements" needs beyond the table: an optional measured-ceilings file
// (offered again from the last calibration; its folder is remembered), and says what will be fitted and where
// the profile goes.
class CalibrateDialog : public QDialog
{
    Q_OBJECT
public:
    // `what`: rich text naming the rows, the base profile and the file the profile will be saved to.
    explicit CalibrateDialog(const QString& what, QWidget* parent = nullptr);

    // The ceilings file to use; empty for none.
    QString ceilingsFile() const;
    void setCeilingsFile(const QString& path);

    QCheckBox* useCeilingsBox() const { return m_useCeilings; }
    QLineEdit* ceilingsEdit() const { return m_ceilings; }

private:
    void browse();
    void updateButtons();

    QCheckBox* m_useCeilings = nullptr;
    QLineEdit* m_ceilings = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_ok = nullptr;
};
