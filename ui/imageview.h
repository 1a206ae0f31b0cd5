#pragma once
// The large view of the current image: fit to the window, zoom about the
// cursor (wheel, +/-), pan by dragging. The file is decoded in a worker; a
// newer request supersedes an older one still decoding.
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

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
};

} // namespace tandem
