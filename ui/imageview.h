#pragma once
// The large view of the current image: fit to the window, zoom about the
// cursor (wheel, +/-), pan by dragging. The file is decoded in a worker; a
// newer request supersedes an older one still decoding.
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>
#include <utility>
#include <vector>

namespace tandem {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget *parent = nullptr);

    void showFile(const QString &path); // "" clears the view
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void actualSize();
    bool isFitting() const { return m_fit; }
    const QImage &image() const { return m_image; }
    const QString &path() const { return m_path; }

    // An explanation map over the image: weights of a gridHeight x gridWidth
    // grid (explain/heatmap.h), drawn smoothly scaled with `opacity`. Cleared
    // when another image is shown.
    void setMap(const std::vector<float> &weights, int gridHeight, int gridWidth);
    void clearMap();
    void setMapOpacity(double opacity);
    void setMapVisible(bool visible);
    bool hasMap() const { return !m_mapWeights.empty(); }
    // The image with the map mixed in, at the image's own size (for export).
    QImage blendedImage() const;

    // Object outlines (regions) with their labels, in image pixels.
    void setRegions(std::vector<std::pair<QRectF, QString>> regions);
    void setRegionsVisible(bool visible);

signals:
    void imageShown(const QString &path); // decoded (or failed) after showFile()

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Decoded {
        QImage image;
        QString error;
    };
    void setDecoded(const QString &path, const Decoded &decoded);
    void zoomAbout(double factor, QPointF anchor);
    double fitScale() const;
    QRectF imageRect() const; // where the image is drawn, in widget coordinates

    QString m_path;
    QImage m_image;
    QString m_message;
    double m_scale = 1.0;
    bool m_fit = true;
    QPointF m_offset;         // image centre relative to the widget centre
    QPoint m_lastDrag;
    QFutureWatcher<Decoded> *m_watcher = nullptr;
    void rebuildMap();
    void paintRegions(QPainter &p, const QRectF &target) const;
    std::vector<float> m_mapWeights;
    int m_mapHeight = 0, m_mapWidth = 0;
    QImage m_map;             // the coloured map at the image's size
    double m_mapOpacity = 0.6;
    bool m_mapVisible = true;
    std::vector<std::pair<QRectF, QString>> m_regions;
    bool m_regionsVisible = false;
};

} // namespace tandem
