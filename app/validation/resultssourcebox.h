#pragma once

#include "roofline/results/measurements.h"

#include <QGroupBox>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QRadioButton;

// "Results to validate": the last benchmark run, a results file (several read as one set), or pasted JSON, with
// what each holds.
class ResultsSourceBox : public QGroupBox
{
    Q_OBJECT
public:
    enum class Source { LastRun, File, Pasted };

    explicit ResultsSourceBox(QWidget* parent = nullptr);

    // Loads the files as the File source and chooses it; on bad input the reason (file, line, field) and
    // nothing changed.
    QString openFiles(const QStringList& paths);
    const std::optional<roofline::MeasurementSet>& file() const { return m_file; }
    void setLastRun(roofline::MeasurementSet results);
    const std::optional<roofline::MeasurementSet>& lastRun() const { return m_lastRun; }
    void setPastedText(const QString& text);
    void setSource(Source source);
    Source source() const;
    // The chosen source's rows; nullopt and `error` when there are none or the pasted text does not read.
    std::optional<roofline::MeasurementSet> read(QString& error) const;

Q_SIGNALS:
    // The Open file… button: the files were chosen (the dialog remembers their folder).
    void filesChosen(const QStringList& paths);

private:
    void updateLabels();

    std::optional<roofline::MeasurementSet> m_lastRun;
    std::optional<roofline::MeasurementSet> m_file;
    QRadioButton* m_fromLastRun = nullptr;
    QRadioButton* m_fromFile = nullptr;
    QRadioButton* m_fromPaste = nullptr;
    QLabel* m_lastRunLabel = nullptr;
    QLabel* m_fileLabel = nullptr;
    QPlainTextEdit* m_paste = nullptr;
};
