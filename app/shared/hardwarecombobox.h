#pragma once

#include "roofline/model/hardware.h"
#include "roofline/hardware/device_info.h"
#include "roofline/hardware/hardware_registry.h"

#include <QComboBox>

#include <memory>

// Presets first, then the user's profiles (marked), keyed by the hardware key in Qt::UserRole.
class HardwareComboBox : public QComboBox
{
    Q_OBJECT
public:
    explicit HardwareComboBox(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);

    QString currentKey() const;
    // False when the key is unknown; the selection is then left as it was.
    bool setCurrentKey(const QString& key);
    const roofline::HardwareSpec* currentSpec() const;
    // Selects the truest profile there is (roofline/hardware/profile_choice.h): the user's calibration of the
    // detected device, its preset, the last one chosen, else gb10. Its reason becomes the tooltip's first line.
    void selectPreferred(const roofline::DeviceInfo* detected);

    // Lists the profiles of another registry (a user profile was saved or changed), keeping the selection.
    // hardwareChanged is emitted only when what is selected changes: its key is gone, or its numbers changed.
    void setRegistry(std::shared_ptr<const roofline::HardwareRegistry> registry);
    const std::shared_ptr<const roofline::HardwareRegistry>& registry() const { return m_registry; }

Q_SIGNALS:
    void hardwareChanged(const QString& key);

private:
    void fill();

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
};
