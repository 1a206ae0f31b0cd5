#include "embeddingpanel.h"

#include "backgroundjob.h"
#include "thumbnailloader.h"

#include "jobs/modeljobs.h"
#include "jobs/similarityjobs.h"

#include <QBuffer>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <set>
#include <unordered_map>

namespace tandem {

namespace {

QString methodTitle(explain::ProjectionMethod m)
{
    switch (m) {
    case explain::ProjectionMethod::Pca: return QObject::tr("PCA");
    case explain::ProjectionMethod::Tsne: return QObject::tr("t-SNE");
    case explain::ProjectionMethod::Umap: return QObject::tr("UMAP");
    }
    return {};
}

constexpr qint64 kRedrawMs = 150; // a layout in progress is redrawn at most this often

} // namespace

EmbeddingPanel::EmbeddingPanel(QWidget *parent) : QWidget(parent), m_thumbnails(new ThumbnailLoader(this))
{
    m_plot = new EmbeddingPlot(this);
    m_plot->setObjectName(QStringLiteral("embeddingPlot"));
    m_plot->setMinimumHeight(260);
    m_hover = new QLabel(this, Qt::ToolTip);
    m_hover->setObjectName(QStringLiteral("embeddingHover"));
    m_hover->setWordWrap(true);
    m_hover->setMaximumWidth(320);
    m_hover->setStyleSheet(QStringLiteral("QLabel { background: palette(tooltip-base); padding: 4px; }"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildControls());
    layout->addWidget(buildViewBar());
    layout->addWidget(buildSearchBar());
    layout->addWidget(m_plot, 1);
    connect(m_plot, &EmbeddingPlot::selected, this, &EmbeddingPanel::onSelected);
    connect(m_plot, &EmbeddingPlot::hovered, this, &EmbeddingPanel::onHovered);
    connect(m_plot, &EmbeddingPlot::clicked, this, [this](int point) {
        if (m_view && size_t(point) < m_view->items.size() && m_view->items[size_t(point)].imageId > 0)
            emit openImage(m_view->items[size_t(point)].imageId);
    });
    connect(m_thumbnails, &ThumbnailLoader::loaded, this,
            [this](qint64 imageId, const ImageSummary &, const QImage &thumbnail, const QString &) {
                if (!m_hover->isVisible() || !m_view || m_hoverPoint < 0 || thumbnail.isNull()
                    || m_view->items[size_t(m_hoverPoint)].imageId != imageId)
                    return;
                QByteArray png;
                QBuffer buffer(&png);
                thumbnail.scaled(128, 128, Qt::KeepAspectRatio, Qt::SmoothTransformation).save(&buffer, "PNG");
                m_hover->setText(m_hover->text().replace(
                    QStringLiteral("<!--thumb-->"),
                    QStringLiteral("<img src=\"data:image/png;base64,%1\"><br>").arg(QString::fromLatin1(png.toBase64()))));
                m_hover->adjustSize();
            });
    updateMethodOptions();
}

EmbeddingPanel::~EmbeddingPanel()
{
    cancel();
}

QWidget *EmbeddingPanel::buildControls()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_run = new QComboBox(bar);
    m_run->setObjectName(QStringLiteral("embeddingRun"));
    m_run->setToolTip(tr("An embed run: the vectors of a retrieval model (Models dock ▸ Run, or 'tandem-cli embed')"));
    m_items = new QComboBox(bar);
    m_items->setObjectName(QStringLiteral("embeddingItems"));
    m_items->addItem(tr("Images and captions"), QStringLiteral("both"));
    m_items->addItem(tr("Images"), QStringLiteral("images"));
    m_items->addItem(tr("Captions"), QStringLiteral("captions"));
    m_method = new QComboBox(bar);
    m_method->setObjectName(QStringLiteral("embeddingMethod"));
    for (auto m : {explain::ProjectionMethod::Pca, explain::ProjectionMethod::Tsne, explain::ProjectionMethod::Umap})
        m_method->addItem(methodTitle(m), int(m));
    m_method->setToolTip(tr("PCA: the two main directions of variance (instant). t-SNE: keeps neighbourhoods, "
                            "clusters spread out. UMAP: keeps neighbourhoods and more of the global shape."));
    m_parameterLabel = new QLabel(bar);
    m_parameter = new QDoubleSpinBox(bar);
    m_parameter->setDecimals(0);
    m_layOut = new QPushButton(tr("Lay Out"), bar);
    m_layOut->setObjectName(QStringLiteral("embeddingLayOut"));
    m_layOut->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_layOut->setToolTip(tr("Compute the layout and store it with the run (Ctrl+Shift+L)"));
    m_stop = new QPushButton(tr("Cancel"), bar);
    m_stop->setEnabled(false);
    m_status = new QLabel(bar);
    m_status->setObjectName(QStringLiteral("embeddingStatus"));
    for (QWidget *w : std::initializer_list<QWidget *>{new QLabel(tr("Run:"), bar), m_run, m_items, m_method,
                                                        m_parameterLabel, m_parameter, m_layOut, m_stop})
        row->addWidget(w);
    row->addWidget(m_status, 1);
    connect(m_run, &QComboBox::currentIndexChanged, this, [this] {
        updateItemChoice();
        openStored();
    });
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        updateMethodOptions();
        openStored();
    });
    connect(m_layOut, &QPushButton::clicked, this, &EmbeddingPanel::layOutNow);
    connect(m_stop, &QPushButton::clicked, this, &EmbeddingPanel::cancel);
    return bar;
}

QWidget *EmbeddingPanel::buildViewBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_colour = new QComboBox(bar);
    m_colour->setObjectName(QStringLiteral("embeddingColour"));
    for (ColourBy by : kColourBys)
        m_colour->addItem(colourByTitle(by), int(by));
    m_colour->setToolTip(tr("Answers and right / wrong come from each image's first question and the newest model "
                            "answer to it (Models dock ▸ Run with a VQA model)"));
    connect(m_colour, &QComboBox::currentIndexChanged, this,
            [this] { setColourBy(ColourBy(m_colour->currentData().toInt())); });
    row->addWidget(new QLabel(tr("Colour by:"), bar));
    row->addWidget(m_colour);
    auto *tools = new QButtonGroup(bar);
    const std::tuple<PlotTool, QString, QString> toolDefs[] = {
        {PlotTool::Pan, tr("Pan"), tr("Drag to pan, wheel to zoom, click a point to open its image")},
        {PlotTool::Box, tr("Box"), tr("Drag a box to select its images in the grid (Ctrl adds)")},
        {PlotTool::Lasso, tr("Lasso"), tr("Draw around points to select their images in the grid (Ctrl adds)")}};
    for (const auto &[tool, title, tip] : toolDefs) {
        auto *button = new QToolButton(bar);
        button->setText(title);
        button->setToolTip(tip);
        button->setCheckable(true);
        button->setChecked(tool == PlotTool::Pan);
        button->setObjectName(QStringLiteral("embeddingTool") + title);
        tools->addButton(button);
        connect(button, &QToolButton::toggled, this, [this, tool = tool](bool on) {
            if (on)
                m_plot->setTool(tool);
        });
        row->addWidget(button);
    }
    m_lines = new QCheckBox(tr("Lines to captions"), bar);
    m_lines->setToolTip(tr("Join each image to its captions: long lines are captions the model places far from their image"));
    connect(m_lines, &QCheckBox::toggled, m_plot, &EmbeddingPlot::setCaptionLines);
    row->addWidget(m_lines);
    auto *fit = new QToolButton(bar);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show every point"));
    connect(fit, &QToolButton::clicked, this, [this] {
        m_plot->fitAll();
        m_plot->replot();
    });
    row->addWidget(fit);
    auto *exportButton = new QToolButton(bar);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(exportButton);
    for (const QString &kind : {QStringLiteral("PNG"), QStringLiteral("SVG"), QStringLiteral("CSV")})
        menu->addAction(tr("%1…").arg(kind), this, [this, kind] { exportTo(kind); });
    exportButton->setMenu(menu);
    row->addWidget(exportButton);
    row->addStretch(1);
    return bar;
}

QWidget *EmbeddingPanel::buildSearchBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("meaningSearch"));
    m_search->setPlaceholderText(tr("Search by meaning: type a sentence, Enter"));
    m_search->setToolTip(tr("The run's retrieval model ranks its images by how well they match the sentence; "
                            "the grid shows them best first"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { searchByMeaning(m_search->text()); });
    auto *like = new QPushButton(tr("More Like This"), bar);
    like->setObjectName(QStringLiteral("moreLikeThis"));
    like->setToolTip(tr("The images whose vectors are nearest the current image's"));
    connect(like, &QPushButton::clicked, this, &EmbeddingPanel::moreLikeThis);
    m_threshold = new QDoubleSpinBox(bar);
    m_threshold->setRange(0.5, 1.0);
    m_threshold->setDecimals(3);
    m_threshold->setSingleStep(0.005);
    m_threshold->setValue(0.95);
    m_threshold->setToolTip(tr("Cosine similarity from which two images count as near duplicates"));
    auto *duplicates = new QPushButton(tr("Near Duplicates"), bar);
    duplicates->setObjectName(QStringLiteral("nearDuplicates"));
    duplicates->setToolTip(tr("Pairs of images at least this alike, most alike first: candidates to remove"));
    connect(duplicates, &QPushButton::clicked, this, &EmbeddingPanel::findDuplicates);
    row->addWidget(m_search, 1);
    row->addWidget(like);
    row->addWidget(new QLabel(tr("Duplicates from cosine"), bar));
    row->addWidget(m_threshold);
    row->addWidget(duplicates);
    return bar;
}

void EmbeddingPanel::setCurrentImage(qint64 imageId)
{
    m_currentImage = imageId;
}

void EmbeddingPanel::searchByMeaning(const QString &text)
{
    if (text.trimmed().isEmpty() || chosenRun() == 0)
        return;
    RetrieveRequest r;
    r.project = m_project;
    r.embeddingsRun = chosenRun();
    r.text = text.trimmed();
    r.k = 200;
    m_status->setText(tr("Searching for “%1”…").arg(r.text));
    inBackground<Expected<RetrieveResult>>(this, [r]() -> Expected<RetrieveResult> {
            auto backend = modelBackend();
            if (!backend)
                return backend.error();
            return (*backend)->retrieve(r, nullptr);
        },
        [this, text = r.text](const Expected<RetrieveResult> &result) {
            if (!result) {
                m_status->setText(result.error().message);
                return;
            }
            std::vector<qint64> ids;
            std::vector<float> scores;
            for (const RetrievedItem &item : result->items) {
                ids.push_back(item.id);
                scores.push_back(float(item.score));
            }
            m_status->setText(tr("%L1 images ranked for “%2”").arg(ids.size()).arg(text));
            emit rankedResults(tr("“%1”").arg(text), ids, scores);
        });
}

void EmbeddingPanel::moreLikeThis()
{
    if (m_currentImage == 0 || chosenRun() == 0) {
        emit message(tr("Choose an image in the grid first"));
        return;
    }
    const QString project = m_project;
    const qint64 run = chosenRun(), image = m_currentImage;
    inBackground<Expected<std::vector<SimilarImage>>>(this, [project, run, image] {
            return similarImages(project, run, QString::number(image), 100);
        },
        [this, image](const Expected<std::vector<SimilarImage>> &similar) {
            if (!similar) {
                m_status->setText(similar.error().message);
                return;
            }
            std::vector<qint64> ids{image};
            std::vector<float> scores{1.0f};
            for (const SimilarImage &s : *similar) {
                ids.push_back(s.imageId);
                scores.push_back(float(s.score));
            }
            emit rankedResults(tr("like image %1").arg(image), ids, scores);
        });
}

void EmbeddingPanel::findDuplicates()
{
    if (chosenRun() == 0)
        return;
    const QString project = m_project;
    const qint64 run = chosenRun();
    const double threshold = m_threshold->value();
    m_status->setText(tr("Looking for near duplicates…"));
    inBackground<Expected<std::vector<DuplicatePair>>>(this, [project, run, threshold] {
            return nearDuplicates(project, run, threshold, 500);
        },
        [this, threshold](const Expected<std::vector<DuplicatePair>> &pairs) {
            if (!pairs) {
                m_status->setText(pairs.error().message);
                return;
            }
            std::vector<qint64> ids;
            std::vector<float> scores;
            std::set<qint64> seen;
            for (const DuplicatePair &pair : *pairs) // each pair side by side, most alike first
                for (const SimilarImage *image : {&pair.first, &pair.second})
                    if (seen.insert(image->imageId).second) {
                        ids.push_back(image->imageId);
                        scores.push_back(float(pair.score));
                    }
            m_status->setText(tr("%L1 pairs of images at cosine ≥ %2").arg(pairs->size()).arg(threshold));
            if (!pairs->empty())
                emit rankedResults(tr("near duplicates ≥ %1").arg(threshold), ids, scores);
        });
}

void EmbeddingPanel::setProject(const QString &path)
{
    cancel();
    m_project = path;
    m_thumbnails->setProject(path);
    m_view.reset();
    m_plot->setPoints({}, {}, {});
    refresh();
}

void EmbeddingPanel::refresh()
{
    if (m_project.isEmpty())
        return;
    const QString project = m_project;
    inBackground<Expected<std::vector<RunRecord>>>(this, [project] { return embeddingRuns(project); },
        [this](const Expected<std::vector<RunRecord>> &runs) {
            if (!runs) {
                m_status->setText(runs.error().message);
                return;
            }
            const qint64 keep = chosenRun();
            m_runs = *runs;
            const QSignalBlocker block(m_run);
            m_run->clear();
            for (const RunRecord &run : m_runs)
                m_run->addItem(tr("%1 · run %2").arg(run.name.isEmpty() ? tr("embeddings") : run.name).arg(run.id), run.id);
            m_run->setCurrentIndex(std::max(0, m_run->findData(keep)));
            updateItemChoice();
            m_layOut->setEnabled(!m_runs.empty());
            if (m_runs.empty())
                m_status->setText(tr("No embed run yet: run a retrieval model on a split (Models dock) to embed its images and captions"));
            openStored();
        });
}

// A run of image features (a VQA or caption model's) has no captions to lay out.
void EmbeddingPanel::updateItemChoice()
{
    const auto run = std::find_if(m_runs.begin(), m_runs.end(), [this](const RunRecord &r) { return r.id == chosenRun(); });
    const bool captions = run != m_runs.end() && run->metrics.value(QStringLiteral("captions")).toInteger() > 0;
    if (!captions)
        m_items->setCurrentIndex(m_items->findData(QStringLiteral("images")));
    m_items->setEnabled(captions);
}

qint64 EmbeddingPanel::chosenRun() const
{
    return m_run->currentData().toLongLong();
}

void EmbeddingPanel::updateMethodOptions()
{
    const auto method = explain::ProjectionMethod(m_method->currentData().toInt());
    const bool tsne = method == explain::ProjectionMethod::Tsne;
    m_parameterLabel->setVisible(method != explain::ProjectionMethod::Pca);
    m_parameter->setVisible(method != explain::ProjectionMethod::Pca);
    m_parameterLabel->setText(tsne ? tr("Perplexity:") : tr("Neighbours:"));
    m_parameter->setRange(2, 200);
    m_parameter->setValue(tsne ? 30 : 15);
    m_parameter->setToolTip(tsne ? tr("About how many neighbours each point keeps close (5-50)")
                                 : tr("Neighbourhood size: small shows fine structure, large the global shape"));
}

ProjectionRequest EmbeddingPanel::request() const
{
    ProjectionRequest r;
    r.project = m_project;
    r.runId = chosenRun();
    r.items = parseEmbeddedItems(m_items->currentData().toString()).value_or(EmbeddedItems::Both);
    r.settings.method = explain::ProjectionMethod(m_method->currentData().toInt());
    r.settings.tsne.perplexity = m_parameter->value();
    r.settings.umap.neighbours = int(m_parameter->value());
    return r;
}

void EmbeddingPanel::openStored()
{
    if (busy() || chosenRun() == 0)
        return;
    const QString project = m_project, method = explain::projectionMethodName(request().settings.method);
    const qint64 run = chosenRun();
    inBackground<Expected<std::optional<ProjectionView>>>(this, [project, run, method] { return openProjection(project, run, method); },
        [this, run, method](const Expected<std::optional<ProjectionView>> &view) {
            if (busy() || run != chosenRun())
                return;
            if (!view)
                m_status->setText(view.error().message);
            else if (!*view)
                m_status->setText(tr("No %1 layout of this run yet: Lay Out (Ctrl+Shift+L) computes one")
                                      .arg(m_method->currentText()));
            else
                showView(**view);
        });
}

void EmbeddingPanel::layOutNow()
{
    if (busy() || chosenRun() == 0)
        return;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_layOut->setEnabled(false);
    m_stop->setEnabled(true);
    m_status->setText(tr("Loading the vectors…"));
    const ProjectionRequest r = request();
    auto cancel = m_cancel;
    QPointer<EmbeddingPanel> self(this);
    auto lastPost = std::make_shared<QElapsedTimer>();
    lastPost->start();
    const explain::IterationObserver observer = [self, cancel, lastPost](const explain::IterationUpdate &u) {
        const bool last = u.iteration >= u.iterations;
        if (u.layout && (last || lastPost->elapsed() >= kRedrawMs)) {
            lastPost->restart();
            QMetaObject::invokeMethod(self, [self, u, layout = *u.layout] {
                if (self)
                    self->showProgress(u, layout);
            }, Qt::QueuedConnection);
        }
        return !cancel->load();
    };
    inBackground<Expected<ProjectionView>>(this, [r, observer]() -> Expected<ProjectionView> {
            auto projection = projectRun(r, observer);
            if (!projection)
                return projection.error();
            return describeProjection(r.project, std::move(*projection));
        },
        [this](const Expected<ProjectionView> &view) {
            m_cancel.reset();
            m_layOut->setEnabled(true);
            m_stop->setEnabled(false);
            if (view)
                showView(*view);
            else if (view.error().kind == ErrorKind::Cancelled)
                m_status->setText(tr("Cancelled; nothing was stored"));
            else
                m_status->setText(view.error().message);
            if (!view && view.error().kind != ErrorKind::Cancelled)
                emit message(view.error().message);
        });
}

void EmbeddingPanel::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void EmbeddingPanel::showProgress(const explain::IterationUpdate &update, std::vector<float> layout)
{
    if (!busy())
        return;
    m_status->setText(tr("%1: %2, %L3 of %L4").arg(m_method->currentText(), update.stage).arg(update.iteration).arg(update.iterations));
    if (m_plot->pointCount() == layout.size() / 2) {
        m_plot->moveTo(layout, true);
        return;
    }
    // A first preview before the items are known: every point grey.
    m_plot->setPoints(layout, std::vector<bool>(layout.size() / 2, false), {});
    m_plot->setClasses({{tr("laying out…")}, {QColor(120, 120, 120)}, std::vector<int>(layout.size() / 2, 0)});
}

void EmbeddingPanel::showView(ProjectionView view)
{
    m_view = std::move(view);
    const auto &items = m_view->items;
    std::vector<bool> caption(items.size());
    std::vector<int> imageOf(items.size(), -1);
    std::unordered_map<qint64, int> pointOfImage;
    for (size_t i = 0; i < items.size(); ++i) {
        caption[i] = items[i].caption;
        if (!items[i].caption)
            pointOfImage.emplace(items[i].imageId, int(i));
    }
    for (size_t i = 0; i < items.size(); ++i)
        if (caption[i])
            if (auto it = pointOfImage.find(items[i].imageId); it != pointOfImage.end())
                imageOf[i] = it->second;
    m_plot->setPoints(m_view->projection.layout, caption, imageOf);
    setColourBy(ColourBy(m_colour->currentData().toInt()));
    const QJsonObject &o = m_view->projection.options;
    m_status->setText(tr("%L1 images, %L2 captions · %3 in %4 s · stored %5")
                          .arg(m_view->projection.imageIds.size()).arg(m_view->projection.captionIds.size())
                          .arg(m_method->currentText()).arg(o.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 1)
                          .arg(m_view->projection.createdAt));
    emit layoutShown();
}

void EmbeddingPanel::setColourBy(ColourBy by)
{
    if (m_colour->currentData().toInt() != int(by))
        m_colour->setCurrentIndex(m_colour->findData(int(by)));
    if (m_view)
        m_plot->setClasses(classesOf(m_view->items, by));
}

void EmbeddingPanel::onSelected(const std::vector<int> &points, bool add)
{
    if (!m_view)
        return;
    std::set<qint64> ids;
    for (int p : points)
        if (const qint64 id = m_view->items[size_t(p)].imageId; id > 0)
            ids.insert(id);
    emit selectImages(std::vector<qint64>(ids.begin(), ids.end()), add);
    emit message(tr("%L1 points: %L2 images selected in the grid").arg(points.size()).arg(ids.size()));
}

void EmbeddingPanel::showGridSelection(const std::vector<qint64> &imageIds)
{
    if (!m_view)
        return;
    const std::set<qint64> chosen(imageIds.begin(), imageIds.end());
    std::vector<int> points;
    for (size_t i = 0; i < m_view->items.size(); ++i)
        if (chosen.count(m_view->items[i].imageId))
            points.push_back(int(i));
    m_plot->setHighlighted(points);
}

void EmbeddingPanel::onHovered(int point, const QPoint &globalPos)
{
    m_hoverPoint = point;
    if (point < 0 || !m_view || size_t(point) >= m_view->items.size()) {
        m_hover->hide();
        return;
    }
    const ProjectedItem &item = m_view->items[size_t(point)];
    m_hover->setTextFormat(Qt::RichText);
    QString text = QStringLiteral("<!--thumb--><b>%1</b> · %2<br>%3")
                       .arg(item.name.toHtmlEscaped(), item.split.toHtmlEscaped(),
                            (item.caption ? tr("caption: ") : QString()) + item.text.toHtmlEscaped());
    if (!item.predicted.isEmpty())
        text += tr("<br>%1 <b>%2</b> (%3%), human: %4")
                    .arg(item.question.toHtmlEscaped(), item.predicted.toHtmlEscaped())
                    .arg(100.0 * item.score.value_or(0), 0, 'f', 0)
                    .arg(item.answer.toHtmlEscaped());
    m_hover->setText(text);
    m_hover->adjustSize();
    m_hover->move(globalPos + QPoint(16, 16));
    m_hover->show();
    if (item.imageId > 0)
        m_thumbnails->request(item.imageId);
}

void EmbeddingPanel::exportTo(const QString &kind)
{
    if (!m_view) {
        emit message(tr("Nothing to export: lay out a run first"));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the embedding view"),
                                                      QStringLiteral("embeddings.%1").arg(kind.toLower()),
                                                      tr("%1 files (*.%2)").arg(kind, kind.toLower()));
    if (path.isEmpty())
        return;
    bool ok = false;
    if (kind == QLatin1String("PNG")) {
        ok = m_plot->savePng(path, 0, 0, 2.0);
    } else if (kind == QLatin1String("SVG")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(m_plot->size());
        svg.setViewBox(m_plot->rect());
        QCPPainter painter(&svg);
        m_plot->toPainter(&painter, m_plot->width(), m_plot->height());
        ok = painter.end();
    } else {
        QSaveFile file(path);
        ok = file.open(QIODevice::WriteOnly) && file.write(projectionCsv(m_view->projection).toUtf8()) >= 0 && file.commit();
    }
    emit message(ok ? tr("Wrote %1").arg(path) : tr("Could not write %1").arg(path));
}

} // namespace tandem
