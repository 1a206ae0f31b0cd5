#include "imageview.h"

#include "explain/heatmap.h"

#include <QImageReader>
#include <QMouseEvent>
#include <QPainter>
#include <QtConcurrent>

namespace tandem {

namespace {
constexpr double kMinScale = 0.02;
constexpr double kMaxScale = 32.0;
constexpr double kStep = 1.25;
} // namespace

ImageView::ImageView(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 200);
    setToolTip(tr("Wheel or +/- to zoom, drag to pan, double-click to fit"));
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    setPalette(pal);
    setAutoFillBackground(true);
}

void ImageView::showFile(const QString &path)
{
    if (path == m_path)
        return;
    m_path = path;
    m_mapWeights.clear(); // maps and outlines belong to the image they were made for
    m_map = {};
    m_regions.clear();
    if (m_watcher)
        m_watcher->disconnect(this); // its result is stale now
    if (path.isEmpty()) {
        setDecoded(path, {});
        return;
    }
    m_watcher = new QFutureWatcher<Decoded>(this);
    auto *watcher = m_watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        if (watcher == m_watcher)
            m_watcher = nullptr;
        if (path == m_path)
            setDecoded(path, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        Decoded decoded{reader.read(), {}};
        if (decoded.image.isNull())
            decoded.error = reader.errorString();
        return decoded;
    }));
}

void ImageView::setDecoded(const QString &path, const Decoded &decoded)
{
    m_image = decoded.image;
    m_message = path.isEmpty() ? tr("No image selected")
                               : decoded.image.isNull() ? tr("Cannot show %1:\n%2").arg(path, decoded.error) : QString();
    m_fit = true;
    m_offset = {};
    rebuildMap(); // a map set while the image was decoding belongs to it
    emit imageShown(path);
}

void ImageView::setMap(const std::vector<float> &weights, int gridHeight, int gridWidth)
{
    m_mapWeights = weights;
    m_mapHeight = gridHeight;
    m_mapWidth = gridWidth;
    rebuildMap();
}

void ImageView::clearMap()
{
    m_mapWeights.clear();
    rebuildMap();
}

void ImageView::rebuildMap()
{
    m_map = m_mapWeights.empty() || m_image.isNull()
                ? QImage()
                : explain::mapImage(m_mapWeights, m_mapHeight, m_mapWidth)
                      .scaled(m_image.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    update();
}

void ImageView::setMapOpacity(double opacity)
{
    m_mapOpacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void ImageView::setMapVisible(bool visible)
{
    m_mapVisible = visible;
    update();
}

QImage ImageView::blendedImage() const
{
    return m_mapWeights.empty() ? m_image : explain::blendMap(m_image, m_mapWeights, m_mapHeight, m_mapWidth, m_mapOpacity);
}

void ImageView::setRegions(std::vector<std::pair<QRectF, QString>> regions)
{
    m_regions = std::move(regions);
    update();
}

void ImageView::setRegionsVisible(bool visible)
{
    m_regionsVisible = visible;
    update();
}

void ImageView::paintRegions(QPainter &p, const QRectF &target) const
{
    const double sx = target.width() / m_image.width(), sy = target.height() / m_image.height();
    p.setPen(QPen(QColor(255, 64, 160), 1.5));
    for (const auto &[box, label] : m_regions) {
        const QRectF shown(target.left() + box.left() * sx, target.top() + box.top() * sy, box.width() * sx, box.height() * sy);
        p.drawRect(shown);
        p.drawText(shown.bottomLeft() + QPointF(0, p.fontMetrics().ascent() + 1), label);
    }
}

double ImageView::fitScale() const
{
    if (m_image.isNull())
        return 1.0;
    const double sx = double(width() - 16) / m_image.width();
    const double sy = double(height() - 16) / m_image.height();
    return std::max(kMinScale, std::min(sx, sy));
}

QRectF ImageView::imageRect() const
{
    const double scale = m_fit ? fitScale() : m_scale;
    const QSizeF size(m_image.width() * scale, m_image.height() * scale);
    const QPointF centre = QPointF(width() / 2.0, height() / 2.0) + (m_fit ? QPointF() : m_offset);
    return {centre - QPointF(size.width() / 2, size.height() / 2), size};
}

void ImageView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    if (m_image.isNull()) {
        p.setPen(QColor(0xc8, 0xcc, 0xd2));
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const QRectF target = imageRect();
    // Pixels stay sharp when enlarged (labelling needs to see them), smooth when reduced.
    p.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_image.width());
    p.drawImage(target, m_image);
    if (!m_map.isNull() && m_mapVisible) {
        p.setOpacity(m_mapOpacity);
        p.setRenderHint(QPainter::SmoothPixmapTransform, true);
        p.drawImage(target, m_map);
        p.setOpacity(1.0);
    }
    if (m_regionsVisible)
        paintRegions(p, target);
    p.setPen(QColor(0xc8, 0xcc, 0xd2));
    p.drawText(rect().adjusted(8, 4, -8, -4), Qt::AlignRight | Qt::AlignBottom,
               QStringLiteral("%1 × %2 · %3%").arg(m_image.width()).arg(m_image.height())
                   .arg(qRound(target.width() * 100.0 / m_image.width())));
}

void ImageView::zoomAbout(double factor, QPointF anchor)
{
    if (m_image.isNull())
        return;
    const QRectF before = imageRect();
    const double oldScale = m_fit ? fitScale() : m_scale;
    m_scale = std::clamp(oldScale * factor, kMinScale, kMaxScale);
    m_fit = false;
    // Keep the image point under the anchor where it is.
    const QPointF imagePoint = (anchor - before.topLeft()) / oldScale;
    const QPointF newTopLeft = anchor - imagePoint * m_scale;
    const QSizeF size(m_image.width() * m_scale, m_image.height() * m_scale);
    m_offset = newTopLeft + QPointF(size.width() / 2, size.height() / 2) - QPointF(width() / 2.0, height() / 2.0);
    update();
}

void ImageView::zoomIn()
{
    zoomAbout(kStep, rect().center());
}

void ImageView::zoomOut()
{
    zoomAbout(1 / kStep, rect().center());
}

void ImageView::fitToWindow()
{
    m_fit = true;
    m_offset = {};
    update();
}

void ImageView::actualSize()
{
    m_fit = false;
    m_scale = 1.0;
    m_offset = {};
    update();
}

void ImageView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    zoomAbout(std::pow(kStep, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent *event)
{
    m_lastDrag = event->pos();
    setCursor(Qt::ClosedHandCursor);
}

void ImageView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_image.isNull())
        return;
    if (m_fit) {
        m_scale = fitScale();
        m_fit = false;
    }
    m_offset += event->pos() - m_lastDrag;
    m_lastDrag = event->pos();
    update();
}

void ImageView::mouseReleaseEvent(QMouseEvent *)
{
    unsetCursor();
}

void ImageView::mouseDoubleClickEvent(QMouseEvent *)
{
    fitToWindow();
}

void ImageView::resizeEvent(QResizeEvent *)
{
    update();
}

} // namespace tandem
