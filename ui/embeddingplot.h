#pragma once
// The embedding view's scatter plot: one point per image (disc) or caption
// (triangle), coloured by class, with a legend whose entries toggle their class
// and count it (and the selection); zoom and pan; box and lasso selection; a
// ring around the points selected in the grid; optional lines from each image
// to its captions. Hovering and clicking report the point under the mouse.
#include <QPolygonF>
#include <qcustomplot.h>
#include <vector>

namespace tandem {

enum class PlotTool { Pan, Box, Lasso };

struct PlotClasses {
    QStringList names;           // one per class
    std::vector<QColor> colours; // one per class
    std::vector<int> classOf;    // one per point
};

class EmbeddingPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit EmbeddingPlot(QWidget *parent = nullptr);

    // New points (x, y per point); `caption[i]` draws point i as a triangle;
    // `imageOf[i]` is the point of caption i's image (-1: none) for the lines.
    void setPoints(const std::vector<float> &layout, const std::vector<bool> &caption, const std::vector<int> &imageOf);
    // The same points moved (t-SNE / UMAP iterating); keeps zoom unless `rescale`.
    void moveTo(const std::vector<float> &layout, bool rescale);
    void setClasses(const PlotClasses &classes);
    void fitAll();
    void setTool(PlotTool tool);
    void setCaptionLines(bool shown);
    // Points drawn with a ring (the grid's selection); counted in the legend.
    void setHighlighted(const std::vector<int> &points);
    const std::vector<int> &highlighted() const { return m_highlighted; }
    bool classVisible(int cls) const;
    void setClassVisible(int cls, bool visible);
    // The nearest visible point within `radius` pixels of `pixel`, or -1.
    int pointAt(const QPointF &pixel, double radius = 8) const;
    // Visible points inside a polygon in pixel coordinates.
    std::vector<int> pointsInside(const QPolygonF &pixels) const;
    size_t pointCount() const { return m_layout.size() / 2; }

signals:
    void hovered(int point, const QPoint &globalPos); // -1: none
    void clicked(int point);
    // Box or lasso: the points inside; `add` when Ctrl was held.
    void selected(const std::vector<int> &points, bool add);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void rebuildGraphs();
    void addRing();
    void fillGraphs();
    void updateLegend();
    void drawRubberBand();
    void onLegendClick(QCPLegend *legend, QCPAbstractLegendItem *item);

    std::vector<float> m_layout;
    std::vector<bool> m_caption;
    std::vector<int> m_imageOf;
    PlotClasses m_classes;
    std::vector<bool> m_hiddenClass;
    std::vector<int> m_highlighted;
    std::vector<QCPGraph *> m_graphs; // 2 per class: images, captions
    QCPGraph *m_ring = nullptr;
    QCPCurve *m_lines = nullptr;
    QCPCurve *m_band = nullptr;
    PlotTool m_tool = PlotTool::Pan;
    QPolygonF m_drag;            // the box's corners or the lasso's path, in pixels
    QPoint m_pressAt;
    bool m_dragging = false;
    bool m_lineShown = false;
};

} // namespace tandem
