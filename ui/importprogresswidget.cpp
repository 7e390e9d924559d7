// SPDX-License-Identifier: MIT
#include "importprogresswidget.h"

#include "importcontroller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>
#include <cmath>

namespace {
// The bar counts in thousandths: byte totals overflow an int.
constexpr int BarSteps = 1000;
} // namespace

ImportProgressWidget::ImportProgressWidget(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_label(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    m_bar->setRange(0, BarSteps);
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(240);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel->setToolTip(tr("Stop the import; what was read so far stays in the store"));
    layout->addWidget(m_bar);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        // Cancelling takes a moment (the store still builds its time index); say so instead of looking stuck.
        m_cancel->setEnabled(false);
        m_label->setText(tr("Cancelling… keeping what was read so far"));
        Q_EMIT cancelRequested();
    });
    hide();
}

ImportProgressWidget::~ImportProgressWidget() = default;

void ImportProgressWidget::begin(int sourceCount)
{
    m_bar->setRange(0, 0); // busy until the first progress report says how much there is
    m_cancel->setEnabled(true);
    m_waiting = false;
    m_label->setText(tr("Importing %n path(s)…", nullptr, sourceCount));
    show();
}

void ImportProgressWidget::showWaiting()
{
    m_waiting = true;
    m_bar->setRange(0, 0);
    m_label->setText(tr("Waiting for the other import writing this store to end…"));
}

void ImportProgressWidget::setStatus(const ImportStatus &status)
{
    if (!m_cancel->isEnabled())
        return; // keep saying "Cancelling…"
    if (m_waiting && status.bytesTotal == 0 && status.events == 0)
        return; // still waiting: nothing read yet
    m_waiting = false;
    const QLocale locale;
    if (status.bytesTotal > 0) {
        m_bar->setRange(0, BarSteps);
        const double done = static_cast<double>(status.bytesDone) / static_cast<double>(status.bytesTotal);
        m_bar->setValue(static_cast<int>(std::lround(std::clamp(done, 0.0, 1.0) * BarSteps)));
    }
    QStringList parts;
    parts << tr("%1 of %2")
                 .arg(locale.formattedDataSize(static_cast<qint64>(status.bytesDone)),
                     locale.formattedDataSize(static_cast<qint64>(status.bytesTotal)));
    parts << tr("%1 events").arg(locale.toString(static_cast<qulonglong>(status.events)));
    parts << tr("%1 events/s").arg(locale.toString(static_cast<qulonglong>(std::llround(status.eventsPerSecond))));
    if (const double eta = status.etaSeconds(); eta >= 0)
        parts << tr("about %1 left").arg(formatDuration(eta));
    if (!status.currentSource.isEmpty())
        parts << status.currentSource;
    m_label->setText(parts.join(QStringLiteral(" · ")));
}

void ImportProgressWidget::end()
{
    hide();
    m_cancel->setEnabled(true);
}

QString ImportProgressWidget::text() const
{
    return m_label->text();
}

QString ImportProgressWidget::formatDuration(double seconds)
{
    if (seconds < 10)
        return tr("%1 s").arg(std::max(0.0, seconds), 0, 'f', 1);
    const auto total = static_cast<long long>(std::ceil(seconds));
    if (total < 60)
        return tr("%1 s").arg(total);
    if (total < 3600)
        return tr("%1 min %2 s").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60, 2, 10, QLatin1Char('0'));
}
