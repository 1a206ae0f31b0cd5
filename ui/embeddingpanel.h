#pragma once
// The embedding explorer: an embed run's images and captions laid out in 2-D
// (PCA, t-SNE, UMAP; computed in a worker with progress and cancel, the layout
// redrawn as it iterates, stored with the run and reopened at once), coloured
// by split, status, tag or modality. Linked both ways to the grid: box and
// lasso selections select those images there, and the grid's selection is
// ringed here. Hover shows the thumbnail and caption; a click opens the image.
#include "embeddingclasses.h"
#include "jobs/projectionjobs.h"

#include <QWidget>
#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QDoubleSpinBox;
class QToolButton;

namespace tandem {

class ThumbnailLoader;

class EmbeddingPanel : public QWidget {
    Q_OBJECT
public:
    explicit EmbeddingPanel(QWidget *parent = nullptr);
    ~EmbeddingPanel() override;
    void setProject(const QString &path);
    EmbeddingPlot *plot() const { return m_plot; }
    const std::optional<ProjectionView> &view() const { return m_view; }
    bool busy() const { return bool(m_cancel); }

public slots:
    void refresh();              // the project's embed runs again
    void layOutNow();            // computes the chosen method for the chosen run
    void cancel();
    void showGridSelection(const std::vector<qint64> &imageIds);
    void setColourBy(ColourBy by);
    void setCurrentImage(qint64 imageId); // for "More like this"
    void searchByMeaning(const QString &text);
    void moreLikeThis();
    void findDuplicates();

signals:
    void openImage(qint64 imageId);
    void selectImages(const std::vector<qint64> &imageIds, bool add);
    void message(const QString &text);
    void layoutShown();          // a stored or finished layout is on screen
    // A ranked list of images for the grid, best first.
    void rankedResults(const QString &label, const std::vector<qint64> &imageIds, const std::vector<float> &scores);

private:
    QWidget *buildControls();
    QWidget *buildViewBar();
    QWidget *buildSearchBar();
    void openStored();
    void showView(ProjectionView view);
    void showProgress(const explain::IterationUpdate &update, std::vector<float> layout);
    void onSelected(const std::vector<int> &points, bool add);
    void onHovered(int point, const QPoint &globalPos);
    void exportTo(const QString &kind);
    void updateMethodOptions();
    void updateItemChoice();
    ProjectionRequest request() const;
    qint64 chosenRun() const;

    QString m_project;
    std::vector<RunRecord> m_runs;
    std::optional<ProjectionView> m_view;
    std::shared_ptr<std::atomic_bool> m_cancel; // set while a layout is computed
    qint64 m_currentImage = 0;
    int m_hoverPoint = -1;
    QPoint m_hoverAt;
    QComboBox *m_run, *m_items, *m_method, *m_colour;
    QLabel *m_parameterLabel, *m_status, *m_hover;
    QDoubleSpinBox *m_parameter, *m_threshold;
    QLineEdit *m_search;
    QPushButton *m_layOut, *m_stop;
    QCheckBox *m_lines;
    EmbeddingPlot *m_plot;
    ThumbnailLoader *m_thumbnails;
};

} // namespace tandem
