#pragma once

#include <QGroupBox>

#include <string>

class CalibrationComparisonModel;
class QLabel;
class QTableView;
class ResultsView;
struct SavedCalibration;

// "Datasheet vs calibrated, on the same rows": the comparison table beside a caption saying what was fitted and
// where it went. Shown above the Validation tab's table while a calibration is shown.
class CalibrationPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit CalibrationPanel(QWidget* parent = nullptr);

    CalibrationComparisonModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

    // Shows `calibration` (fitted to `measurementsSource`). Appearing, it takes room from the chart of `view`.
    void showCalibration(const SavedCalibration& calibration, const std::string& measurementsSource, ResultsView* view);

private:
    void makeRoom(ResultsView* view);

    CalibrationComparisonModel* m_model;
    QTableView* m_table;
    QLabel* m_caption;
};
