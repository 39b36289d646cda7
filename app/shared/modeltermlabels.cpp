#include "shared/modeltermlabels.h"

#include "shared/textconv.h"

#include <QCoreApplication>

#include <string_view>
#include <utility>

namespace {

// Mnemonics that do not clash with the Calculator's other controls (Hardware, Kernel, Precision, Ideal, …).
constexpr std::pair<std::string_view, const char*> kMnemonicLabels[] = {
    {"floor", QT_TRANSLATE_NOOP("ModelTerms", "&Latency floor")},
    {"l2", QT_TRANSLATE_NOOP("ModelTerms", "L&2 residency")},
    {"waves", QT_TRANSLATE_NOOP("ModelTerms", "&Wave quantization")},
    {"split", QT_TRANSLATE_NOOP("ModelTerms", "Split effi&ciencies")},
    {"power", QT_TRANSLATE_NOOP("ModelTerms", "P&ower throttle")},
    {"align", QT_TRANSLATE_NOOP("ModelTerms", "Row ali&gnment")},
};

QString mnemonicLabel(std::string_view key)
{
    for (const auto& [term, label] : kMnemonicLabels) {
        if (term == key)
            return QCoreApplication::translate("ModelTerms", label);
    }
    return {};
}

} // namespace

QString termLabel(const roofline::TermInfo& term, bool withMnemonic)
{
    const QString plain = QCoreApplication::translate("ModelTerms", std::string(term.label).c_str());
    if (!withMnemonic)
        return plain;
    const QString withKey = mnemonicLabel(term.key);
    return withKey.isEmpty() ? plain : withKey;
}

QString termToolTip(const roofline::TermInfo& term)
{
    const QString text = QCoreApplication::translate("ModelTerms", std::string(term.description).c_str());
    return text.left(1).toUpper() + text.mid(1);
}

QString termObjectName(const roofline::TermInfo& term)
{
    return QStringLiteral("term_") + toQString(term.key);
}
