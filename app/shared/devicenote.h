#pragma once

#include <QLabel>

namespace roofline {
struct DeviceInfo;
struct DeviceMismatch;
struct HardwareSpec;
struct MeasurementSet;
}

// One plain warning about the device behind the numbers (roofline/results/device_notes.h), with its one-click ways
// on: a link that switches to the device's own profile, and one that calibrates. Hidden while there is none.
class DeviceNote : public QLabel
{
    Q_OBJECT
public:
    // Without calibrating offered, the note gives only the switch (where calibrating is not at hand).
    explicit DeviceNote(bool calibrateOffered, QWidget* parent = nullptr);

    // Shows the mismatch and, below it, any further notes (a profile fitted on these rows); hides when both are empty.
    void showNotes(const roofline::DeviceMismatch* mismatch, const QStringList& notes = {});
    // The device a plugin opened against the profile chosen to predict it (nothing for the CPU or no device).
    void showFor(const roofline::DeviceInfo* device, const roofline::HardwareSpec* hw);
    // Measured runs against the profile that predicts them: another device, or the rows the profile was fitted on.
    void showFor(const roofline::MeasurementSet* runs, const roofline::HardwareSpec* hw);

Q_SIGNALS:
    void switchProfileRequested(const QString& key);
    void calibrateRequested();

private:
    bool m_calibrateOffered;
};
