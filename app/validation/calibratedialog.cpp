#include "validation/calibratedialog.h"

#include "shared/filedialogs.h"
#include "shared/settings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

CalibrateDialog::CalibrateDialog(const QString& what, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Calibrate from these measurements"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(what, this);
    intro->setObjectName(QStringLiteral("calibrateWhat"));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    intro->setMinimumWidth(460);
    layout->addWidget(intro);

    m_useCeilings = new QCheckBox(tr("Use &measured ceilings (L2 bandwidth, empty-kernel launch time)"), this);
    m_useCeilings->setObjectName(QStringLiteral("useCeilings"));
    layout->addWidget(m_useCeilings);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(22, 0, 0, 0);
    m_ceilings = new QLineEdit(this);
    m_ceilings->setObjectName(QStringLiteral("ceilingsFile"));
    m_ceilings->setPlaceholderText(tr("ceilings.json from roofline ceilings --out, or the Benchmark tab"));
    m_browse = new QPushButton(tr("&Browse…"), this);
    row->addWidget(m_ceilings, 1);
    row->addWidget(m_browse);
    layout->addLayout(row);
    auto* note = new QLabel(tr("Without ceilings the launch floor is fitted from the rows alone and warm rows keep the "
                               "profile's L2 bandwidth."),
                            this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setContentsMargins(22, 0, 0, 0);
    layout->addWidget(note);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(tr("&Calibrate"), QDialogButtonBox::AcceptRole);
    m_ok->setDefault(true);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_browse, &QPushButton::clicked, this, &CalibrateDialog::browse);
    connect(m_useCeilings, &QCheckBox::toggled, this, &CalibrateDialog::updateButtons);
    connect(m_ceilings, &QLineEdit::textChanged, this, &CalibrateDialog::updateButtons);

    // The last calibration's file, when it is still there.
    const QString last = Settings::lastCeilingsFile();
    setCeilingsFile(!last.isEmpty() && QFileInfo::exists(last) ? last : QString());
}

QString CalibrateDialog::ceilingsFile() const
{
    return m_useCeilings->isChecked() ? m_ceilings->text().trimmed() : QString();
}

void CalibrateDialog::setCeilingsFile(const QString& path)
{
    m_ceilings->setText(path);
    m_useCeilings->setChecked(!path.isEmpty());
    updateButtons();
}

void CalibrateDialog::browse()
{
    const QString path = FileDialogs::askOpenPath(this, Settings::Folder::Ceilings, tr("Measured ceilings"),
                                                  tr("Ceilings JSON (*.json);;All files (*)"), m_ceilings->text());
    if (!path.isEmpty())
        setCeilingsFile(path);
}

void CalibrateDialog::updateButtons()
{
    m_ceilings->setEnabled(m_useCeilings->isChecked());
    m_browse->setEnabled(m_useCeilings->isChecked());
    // Ticked with no file would silently calibrate without one.
    m_ok->setEnabled(!m_useCeilings->isChecked() || !m_ceilings->text().trimmed().isEmpty());
}
