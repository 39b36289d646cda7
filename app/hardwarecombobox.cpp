#include "hardwarecombobox.h"

#include "textconv.h"

HardwareComboBox::HardwareComboBox(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QComboBox(parent)
    , m_registry(std::move(registry))
{
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(22);
    bool separatorAdded = false;
    for (const bool presets : {true, false}) {
        for (const roofline::HardwareSpec& spec : m_registry->all()) {
            if ((spec.origin == "preset") != presets)
                continue;
            if (!presets && !separatorAdded) {
                insertSeparator(count());
                separatorAdded = true;
            }
            QString text = toQString(spec.name) + QStringLiteral("  [") + toQString(spec.key) + QStringLiteral("]");
            if (!presets)
                text += tr(" (user profile)");
            addItem(text, toQString(spec.key));
            setItemData(count() - 1, toQString(spec.origin), Qt::ToolTipRole);
        }
    }
    connect(this, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT hardwareChanged(currentKey()); });
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

const roofline::HardwareSpec* HardwareComboBox::currentSpec() const
{
    return m_registry->find(toStdString(currentKey()));
}
