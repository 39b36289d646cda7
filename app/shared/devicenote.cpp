#include "shared/devicenote.h"

#include "shared/textconv.h"

#include "roofline/hardware/device_info.h"
#include "roofline/results/device_notes.h"

DeviceNote::DeviceNote(bool calibrateOffered, QWidget* parent)
    : QLabel(parent)
    , m_calibrateOffered(calibrateOffered)
{
    setObjectName(QStringLiteral("deviceNote"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextBrowserInteraction);
    setStyleSheet(QStringLiteral("color: #806000;"));
    hide();
    connect(this, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link.startsWith(QLatin1String("profile:")))
            Q_EMIT switchProfileRequested(link.mid(8));
        else if (link == QLatin1String("calibrate"))
            Q_EMIT calibrateRequested();
    });
}

void DeviceNote::showNotes(const roofline::DeviceMismatch* mismatch, const QStringList& notes)
{
    QStringList paragraphs;
    if (mismatch) {
        QString actions;
        if (!mismatch->matching_key.empty())
            actions += tr("<a href=\"profile:%1\">Switch to %1</a> · ").arg(toQString(mismatch->matching_key).toHtmlEscaped());
        if (m_calibrateOffered)
            actions += tr("<a href=\"calibrate\">Calibrate a profile on it</a>");
        if (actions.endsWith(QStringLiteral(" · ")))
            actions.chop(3);
        // Short here (the panel is narrow); the whole sentence with its ways on is the tooltip.
        paragraphs << tr("Measured on %1, predicted on %2: another GPU's roofline.")
                              .arg(toQString(mismatch->device).toHtmlEscaped(), toQString(mismatch->profile_key).toHtmlEscaped())
                          + QStringLiteral("<br>") + actions;
        setToolTip(toQString(mismatch->message));
    }
    for (const QString& note : notes)
        paragraphs << note.toHtmlEscaped();
    setText(paragraphs.join(QStringLiteral("<br><br>")));
    setVisible(!paragraphs.isEmpty());
}

void DeviceNote::showFor(const roofline::DeviceInfo* device, const roofline::HardwareSpec* hw)
{
    if (!device || device->backend == "cpu" || !hw) {
        showNotes(nullptr);
        return;
    }
    roofline::MeasurementSet runs;
    runs.meta["device"] = device->to_json();
    const auto mismatch = roofline::device_mismatch(runs, *hw);
    showNotes(mismatch ? &*mismatch : nullptr);
}

void DeviceNote::showFor(const roofline::MeasurementSet* runs, const roofline::HardwareSpec* hw)
{
    if (!runs || !hw) {
        showNotes(nullptr);
        return;
    }
    const auto mismatch = roofline::device_mismatch(*runs, *hw);
    QStringList notes;
    if (const auto fitted = roofline::fitted_on_these_rows(*runs, *hw))
        notes << toQString(*fitted);
    showNotes(mismatch ? &*mismatch : nullptr, notes);
}
