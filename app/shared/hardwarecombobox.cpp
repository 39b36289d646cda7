#include "shared/hardwarecombobox.h"

#include "shared/settings.h"
#include "shared/textconv.h"

#include "roofline/hardware/profile_choice.h"

#include "roofline/calibration/profile_transfer.h"

#include <QSignalBlocker>

HardwareComboBox::HardwareComboBox(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QComboBox(parent)
    , m_registry(std::move(registry))
{
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(22);
    fill();
    connect(this, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT hardwareChanged(currentKey()); });
}

void HardwareComboBox::fill()
{
    clear();
    bool separatorAdded = false;
    for (const bool presets : {true, false}) {
        for (const roofline::HardwareSpec& spec : m_registry->all()) {
            if ((spec.origin == "preset") != presets)
                continue;
            if (!presets && !separatorAdded) {
                insertSeparator(count());
                separatorAdded = true;
            }
            // Where realistic and refined mode's numbers come from, beside the name: calibrated here, measured,
            // transferred, public measurements, the plan's fit.
            const QString from = toQString(roofline::provenance(spec));
            // Key and provenance first: a narrow box still shows what the numbers are.
            QString text = toQString(spec.key) + QStringLiteral(" · ") + from + QStringLiteral(" — ") + toQString(spec.name);
            if (!presets)
                text += tr(" (user profile)");
            addItem(text, toQString(spec.key));
            const QString tip = toQString(spec.origin) + tr("; realistic and refined tables: ") + from;
            setItemData(count() - 1, tip, Qt::ToolTipRole);
        }
    }
}

void HardwareComboBox::setRegistry(std::shared_ptr<const roofline::HardwareRegistry> registry)
{
    if (!registry || registry == m_registry)
        return;
    const QString key = currentKey();
    const roofline::HardwareSpec* before = currentSpec();
    const std::string beforeJson = before ? roofline::hardware_to_json(*before) : std::string();
    m_registry = std::move(registry);
    {
        const QSignalBlocker blocker(this);
        fill();
        const int index = findData(key);
        setCurrentIndex(index >= 0 ? index : 0);
    }
    const roofline::HardwareSpec* after = currentSpec();
    const std::string afterJson = after ? roofline::hardware_to_json(*after) : std::string();
    if (currentKey() != key || afterJson != beforeJson)
        Q_EMIT hardwareChanged(currentKey());
}

QString HardwareComboBox::currentKey() const
{
    return currentData().toString();
}

bool HardwareComboBox::setCurrentKey(const QString& key)
{
    const int index = findData(key);
    if (index < 0)
        return false;
    setCurrentIndex(index);
    return true;
}

void HardwareComboBox::selectPreferred(const roofline::DeviceInfo* detected)
{
    const roofline::ProfileChoice choice = roofline::preferred_profile(*m_registry, detected, toStdString(Settings::lastHardware()));
    if (setCurrentKey(toQString(choice.key)))
        setToolTip(tr("Opened on %1: %2").arg(toQString(choice.key), toQString(choice.why)));
}

const roofline::HardwareSpec* HardwareComboBox::currentSpec() const
{
    return m_registry->find(toStdString(currentKey()));
}
