#include "embeddingplot.h"

#include <cmath>

namespace tandem {

namespace {

constexpr double kPointSize = 5;
constexpr double kClickSlop = 4; // pixels a press may move and still be a click
constexpr size_t kSmoothPointLimit = 20000;

// Outlined and translucent where points are few; a plain fill (one paint
// operation, not two) where they are many.
QCPScatterStyle pointStyle(bool caption, const QColor &colour, bool smooth)
{
    QColor fill = colour;
    fill.setAlpha(170);
    const auto shape = caption ? QCPScatterStyle::ssTriangle : QCPScatterStyle::ssDisc;
    const double size = caption ? kPointSize + 1 : kPointSize;
    return smooth ? QCPScatterStyle(shape, colour, fill, size) : QCPScatterStyle(shape, QPen(Qt::NoPen), colour, size);
}

} // namespace

EmbeddingPlot::EmbeddingPlot(QWidget *parent) : QCustomPlot(parent)
{
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    legend->setVisible(true);
    legend->setBrush(QColor(255, 255, 255, 215));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    xAxis->setTicks(false);
    yAxis->setTicks(false);
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    m_lines = new QCPCurve(xAxis, yAxis);
    m_lines->setPen(QPen(QColor(120, 120, 120, 90), 1));
    m_lines->setVisible(false);
    m_band = new QCPCurve(xAxis, yAxis);
    m_band->setPen(QPen(QColor(30, 30, 30), 1, Qt::DashLine));
    m_band->setBrush(QColor(70, 130, 180, 40));
    m_lines->removeFromLegend();
    m_band->removeFromLegend();
    addRing();
    setInteraction(QCP::iSelectLegend, false);
    connect(this, &QCustomPlot::legendClick, this,
            [this](QCPLegend *l, QCPAbstractLegendItem *item, QMouseEvent *) { onLegendClick(l, item); });
}

void EmbeddingPlot::setPoints(const std::vector<float> &layout, const std::vector<bool> &caption,
                              const std::vector<int> &imageOf)
{
    m_layout = layout;
    m_caption = caption;
    m_imageOf = imageOf;
    m_highlighted.clear();
    fillGraphs();
    fitAll();
    replot();
}

// Every point in view with one scale on both axes: distances are what a layout means.
void EmbeddingPlot::fitAll()
{
    if (m_layout.empty())
        return;
    float x0 = m_layout[0], x1 = x0, y0 = m_layout[1], y1 = y0;
    for (size_t i = 0; i < pointCount(); ++i) {
        x0 = std::min(x0, m_layout[2 * i]);
        x1 = std::max(x1, m_layout[2 * i]);
        y0 = std::min(y0, m_layout[2 * i + 1]);
        y1 = std::max(y1, m_layout[2 * i + 1]);
    }
    const QRect area = axisRect()->rect();
    const double unitsPerPixel = 1.06 * std::max({double(x1 - x0) / std::max(1, area.width()),
                                                  double(y1 - y0) / std::max(1, area.height()), 1e-9});
    const double cx = 0.5 * double(x0 + x1), cy = 0.5 * double(y0 + y1);
    xAxis->setRange(cx - 0.5 * unitsPerPixel * area.width(), cx + 0.5 * unitsPerPixel * area.width());
    yAxis->setRange(cy - 0.5 * unitsPerPixel * area.height(), cy + 0.5 * unitsPerPixel * area.height());
}

void EmbeddingPlot::moveTo(const std::vector<float> &layout, bool rescale)
{
    if (layout.size() != m_layout.size())
        return;
    m_layout = layout;
    fillGraphs();
    if (rescale)
        fitAll();
    replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingPlot::setClasses(const PlotClasses &classes)
{
    m_classes = classes;
    m_hiddenClass.assign(size_t(classes.names.size()), false);
    rebuildGraphs();
    fillGraphs();
    replot();
}

void EmbeddingPlot::rebuildGraphs()
{
    for (QCPGraph *g : m_graphs)
        removeGraph(g);
    m_graphs.clear();
    for (int c = 0; c < m_classes.names.size(); ++c)
        for (bool caption : {false, true}) {
            QCPGraph *g = addGraph();
            g->setLineStyle(QCPGraph::lsNone);
            g->setScatterStyle(pointStyle(caption, m_classes.colours[size_t(c)], true));
            g->setAdaptiveSampling(true);
            if (caption)
                g->removeFromLegend();
            m_graphs.push_back(g);
        }
    removeGraph(m_ring);
    addRing(); // drawn after, so above, the classes
}

void EmbeddingPlot::addRing()
{
    m_ring = addGraph();
    m_ring->setLineStyle(QCPGraph::lsNone);
    m_ring->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), Qt::NoBrush, 10));
    m_ring->removeFromLegend();
}

// Each class's points into its two graphs, the rings and the caption lines.
void EmbeddingPlot::fillGraphs()
{
    const size_t n = pointCount(), graphs = m_graphs.size();
    std::vector<QVector<QCPGraphData>> data(graphs);
    for (size_t i = 0; i < n && graphs > 0; ++i) {
        const int cls = i < m_classes.classOf.size() ? m_classes.classOf[i] : 0;
        const size_t g = size_t(std::clamp(cls, 0, int(graphs / 2) - 1)) * 2 + (m_caption[i] ? 1 : 0);
        data[g].append(QCPGraphData(m_layout[2 * i], m_layout[2 * i + 1]));
    }
    // Antialiased discs cost most of a redraw; past this many points they are
    // too dense for it to show (100,000 points: a redraw 56 -> 41 ms offscreen).
    const bool smooth = n <= kSmoothPointLimit;
    for (size_t g = 0; g < graphs; ++g) {
        m_graphs[g]->data()->set(data[g], false);
        m_graphs[g]->setAntialiasedScatters(smooth);
        m_graphs[g]->setScatterStyle(pointStyle(g % 2 == 1, m_classes.colours[g / 2], smooth));
    }
    QVector<QCPGraphData> ring;
    for (int i : m_highlighted)
        ring.append(QCPGraphData(m_layout[2 * size_t(i)], m_layout[2 * size_t(i) + 1]));
    m_ring->data()->set(ring, false);
    QVector<QCPCurveData> lines;
    const double gap = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 0; i < n && m_lineShown; ++i)
        if (const int image = i < m_imageOf.size() ? m_imageOf[i] : -1; image >= 0) {
            const double t = double(lines.size());
            lines << QCPCurveData(t, m_layout[2 * size_t(image)], m_layout[2 * size_t(image) + 1])
                  << QCPCurveData(t + 1, m_layout[2 * i], m_layout[2 * i + 1]) << QCPCurveData(t + 2, gap, gap);
        }
    m_lines->data()->set(lines, true);
    updateLegend();
}

void EmbeddingPlot::updateLegend()
{
    std::vector<int> total(size_t(m_classes.names.size()), 0), chosen(total.size(), 0);
    for (size_t i = 0; i < m_classes.classOf.size() && i < pointCount(); ++i)
        ++total[size_t(m_classes.classOf[i])];
    for (int i : m_highlighted)
        ++chosen[size_t(m_classes.classOf[size_t(i)])];
    for (size_t c = 0; c < total.size(); ++c) {
        QString name = QStringLiteral("%1  %L2").arg(m_classes.names[int(c)]).arg(total[c]);
        if (chosen[c] > 0)
            name += tr(" (%L1 selected)").arg(chosen[c]);
        m_graphs[2 * c]->setName(name);
        if (auto *item = legend->itemWithPlottable(m_graphs[2 * c]))
            item->setTextColor(m_hiddenClass[c] ? QColor(160, 160, 160) : QColor(Qt::black));
    }
}

bool EmbeddingPlot::classVisible(int cls) const
{
    return cls >= 0 && size_t(cls) < m_hiddenClass.size() && !m_hiddenClass[size_t(cls)];
}

void EmbeddingPlot::setClassVisible(int cls, bool visible)
{
    if (cls < 0 || size_t(cls) >= m_hiddenClass.size())
        return;
    m_hiddenClass[size_t(cls)] = !visible;
    m_graphs[2 * size_t(cls)]->setVisible(visible);
    m_graphs[2 * size_t(cls) + 1]->setVisible(visible);
    updateLegend();
    replot();
}

void EmbeddingPlot::onLegendClick(QCPLegend *, QCPAbstractLegendItem *item)
{
    auto *entry = qobject_cast<QCPPlottableLegendItem *>(item);
    for (size_t c = 0; entry && 2 * c < m_graphs.size(); ++c)
        if (m_graphs[2 * c] == entry->plottable())
            setClassVisible(int(c), m_hiddenClass[c]);
}

void EmbeddingPlot::setTool(PlotTool tool)
{
    m_tool = tool;
    setInteraction(QCP::iRangeDrag, tool == PlotTool::Pan);
    setCursor(tool == PlotTool::Pan ? Qt::OpenHandCursor : Qt::CrossCursor);
}

void EmbeddingPlot::setCaptionLines(bool shown)
{
    m_lineShown = shown;
    m_lines->setVisible(shown);
    fillGraphs();
    replot();
}

void EmbeddingPlot::setHighlighted(const std::vector<int> &points)
{
    m_highlighted.clear();
    for (int p : points)
        if (p >= 0 && size_t(p) < pointCount())
            m_highlighted.push_back(p);
    fillGraphs();
    replot(QCustomPlot::rpQueuedReplot);
}

int EmbeddingPlot::pointAt(const QPointF &pixel, double radius) const
{
    int best = -1;
    double bestDistance = radius * radius;
    for (size_t i = 0; i < pointCount(); ++i) {
        if (!classVisible(i < m_classes.classOf.size() ? m_classes.classOf[i] : 0))
            continue;
        const double dx = xAxis->coordToPixel(m_layout[2 * i]) - pixel.x();
        const double dy = yAxis->coordToPixel(m_layout[2 * i + 1]) - pixel.y();
        if (dx * dx + dy * dy <= bestDistance) {
            bestDistance = dx * dx + dy * dy;
            best = int(i);
        }
    }
    return best;
}

std::vector<int> EmbeddingPlot::pointsInside(const QPolygonF &pixels) const
{
    std::vector<int> inside;
    const QRectF bounds = pixels.boundingRect();
    for (size_t i = 0; i < pointCount(); ++i) {
        if (!classVisible(i < m_classes.classOf.size() ? m_classes.classOf[i] : 0))
            continue;
        const QPointF p(xAxis->coordToPixel(m_layout[2 * i]), yAxis->coordToPixel(m_layout[2 * i + 1]));
        if (bounds.contains(p) && pixels.containsPoint(p, Qt::OddEvenFill))
            inside.push_back(int(i));
    }
    return inside;
}

void EmbeddingPlot::mousePressEvent(QMouseEvent *event)
{
    m_pressAt = event->pos();
    const bool onLegend = legend->visible() && legend->outerRect().contains(event->pos());
    if (m_tool == PlotTool::Pan || onLegend || event->button() != Qt::LeftButton) {
        QCustomPlot::mousePressEvent(event);
        return;
    }
    m_dragging = true;
    m_drag = QPolygonF{QPointF(event->pos())};
}

void EmbeddingPlot::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging) {
        QCustomPlot::mouseMoveEvent(event);
        if (!(event->buttons() & Qt::LeftButton))
            emit hovered(pointAt(event->pos()), event->globalPosition().toPoint());
        return;
    }
    if (m_tool == PlotTool::Box)
        m_drag = QPolygonF(QRectF(m_drag.front(), QPointF(event->pos())).normalized());
    else
        m_drag << QPointF(event->pos());
    drawRubberBand();
}

void EmbeddingPlot::mouseReleaseEvent(QMouseEvent *event)
{
    const bool click = (event->pos() - m_pressAt).manhattanLength() <= kClickSlop;
    if (!m_dragging) {
        QCustomPlot::mouseReleaseEvent(event);
        if (click && event->button() == Qt::LeftButton)
            if (const int p = pointAt(event->pos()); p >= 0)
                emit clicked(p);
        return;
    }
    m_dragging = false;
    m_band->data()->clear();
    replot(QCustomPlot::rpQueuedReplot);
    const QRectF extent = m_drag.boundingRect();
    if (std::max(extent.width(), extent.height()) <= kClickSlop) { // a click, not a lasso back to its start
        if (const int p = pointAt(event->pos()); p >= 0)
            emit clicked(p);
        return;
    }
    emit selected(pointsInside(m_drag), event->modifiers() & Qt::ControlModifier);
}

void EmbeddingPlot::leaveEvent(QEvent *event)
{
    QCustomPlot::leaveEvent(event);
    emit hovered(-1, {});
}

void EmbeddingPlot::drawRubberBand()
{
    QVector<QCPCurveData> band;
    for (const QPointF &p : m_drag)
        band << QCPCurveData(double(band.size()), xAxis->pixelToCoord(p.x()), yAxis->pixelToCoord(p.y()));
    if (!m_drag.isEmpty())
        band << QCPCurveData(double(band.size()), xAxis->pixelToCoord(m_drag.front().x()),
                             yAxis->pixelToCoord(m_drag.front().y()));
    m_band->data()->set(band, true);
    replot(QCustomPlot::rpQueuedReplot);
}

} // namespace tandem
