#pragma once
// The Model view's prediction: decode tokens/s and TPOT, prefill tokens/s and TTFT, the batch at which decode
// turns compute-bound, and the memory the step needs as a bar against the device's (red, and said, when it does
// not fit); the launch gap and the notes; the red line that says why there is no prediction.

#include "roofline/workloads/step_prediction.h"

#include <QGroupBox>

class QLabel;
class QProgressBar;

class StepResultBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit StepResultBox(QWidget* parent = nullptr);

    void showPrediction(const roofline::StepPrediction& p);
    void clear(const QString& why);
    void showError(const QString& why);
    void hideError();
    QString errorText() const;
    bool hasError() const;

    QLabel* decodeRate() const { return m_decodeRate; }
    QLabel* prefillRate() const { return m_prefillRate; }
    QLabel* ttft() const { return m_ttft; }
    QLabel* tpot() const { return m_tpot; }
    QLabel* memoryText() const { return m_memoryText; }
    QProgressBar* memoryBar() const { return m_memoryBar; }

private:
    QLabel* m_decodeRate;
    QLabel* m_tpot;
    QLabel* m_prefillRate;
    QLabel* m_ttft;
    QLabel* m_computeBound;
    QProgressBar* m_memoryBar;
    QLabel* m_memoryText;
    QLabel* m_notes;
    QLabel* m_error;
};
