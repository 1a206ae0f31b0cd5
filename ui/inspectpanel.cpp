#include "inspectpanel.h"

#include "imageview.h"
#include "explain/heatmap.h"
#include "jobs/modeljobs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QTimer>

namespace tandem {

namespace {

constexpr int kTypingPauseMs = 60;  // one request per pause in typing, not per key
constexpr int kPlayStepMs = 700;
constexpr int kAnswers = 5;

QString percent(double p)
{
    return QStringLiteral("%1%").arg(100.0 * p, 0, 'f', 1);
}

// Words as rich text: unknown ones red, struck out; weighted ones on a yellow of their weight.
QString wordsHtml(const QStringList &words, const QStringList &unknown, const std::vector<float> &weights)
{
    QStringList parts;
    for (int i = 0; i < words.size(); ++i) {
        const QString w = words[i].toHtmlEscaped();
        if (unknown.contains(words[i]))
            parts << QStringLiteral("<span style='color:#c00;text-decoration:line-through' title='not in the model&#39;s "
                                    "vocabulary'>%1</span>").arg(w);
        else if (size_t(i) < weights.size())
            parts << QStringLiteral("<span style='background-color:rgba(255,200,0,%1)'>%2</span>")
                         .arg(int(40 + 215 * weights[size_t(i)])).arg(w);
        else
            parts << w;
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

InspectPanel::InspectPanel(ImageView *view, QWidget *parent)
    : QWidget(parent), m_view(view), m_askJob(this), m_explainJob(this)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(buildAskRow());
    layout->addWidget(buildExplainRow());
    m_player = new QTimer(this);
    m_player->setInterval(kPlayStepMs);
    connect(m_player, &QTimer::timeout, this, &InspectPanel::stepPlay);
    setModel(std::nullopt);
}

QWidget *InspectPanel::buildAskRow()
{
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    m_question = new QLineEdit(box);
    m_question->setObjectName(QStringLiteral("askEdit"));
    m_question->setClearButtonEnabled(true);
    m_typing = new QTimer(this);
    m_typing->setSingleShot(true);
    m_typing->setInterval(kTypingPauseMs);
    connect(m_question, &QLineEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    connect(m_typing, &QTimer::timeout, this, &InspectPanel::ask);
    connect(m_question, &QLineEdit::returnPressed, this, &InspectPanel::explain);
    m_words = new QLabel(box);
    m_words->setObjectName(QStringLiteral("questionWords"));
    m_words->setTextFormat(Qt::RichText);
    m_answers = new QTableWidget(kAnswers, 2, box);
    m_answers->setObjectName(QStringLiteral("answersTable"));
    m_answers->horizontalHeader()->hide();
    m_answers->verticalHeader()->hide();
    m_answers->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_answers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_answers->setSelectionMode(QAbstractItemView::NoSelection);
    const int rowHeight = fontMetrics().height() + 6;
    m_answers->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_answers->setFixedHeight(kAnswers * rowHeight + 4);
    m_answers->setColumnWidth(1, 160);
    m_answers->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_answers->setToolTip(tr("The model's five most likely answers, updated as you type"));
    for (int r = 0; r < kAnswers; ++r) {
        m_answers->setItem(r, 0, new QTableWidgetItem);
        auto *bar = new QProgressBar(m_answers);
        bar->setRange(0, 1000);
        bar->setTextVisible(true);
        m_answers->setCellWidget(r, 1, bar);
    }
    grid->addWidget(m_question, 0, 0);
    grid->addWidget(m_words, 1, 0);
    grid->addWidget(m_answers, 0, 1, 3, 1);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 2);
    return box;
}

QWidget *InspectPanel::buildExplainRow()
{
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    m_method = new QComboBox(box);
    m_method->setObjectName(QStringLiteral("explainMethod"));
    m_method->addItem(tr("Attention"), int(ExplainMethod::Attention));
    m_method->addItem(tr("Grad-CAM"), int(ExplainMethod::GradCam));
    m_method->addItem(tr("Occlusion"), int(ExplainMethod::Occlusion));
    m_method->addItem(tr("Occlusion (features)"), int(ExplainMethod::OcclusionFeatures));
    m_method->setToolTip(tr("Attention: the weights the model itself puts on the regions (captioner, mfb, cross-attention).\n"
                            "Grad-CAM: how much each region's features raise the answer or the score (every model).\n"
                            "Occlusion: how much the answer's probability drops when a window sliding over the image "
                            "covers each part (VQA).\n"
                            "Occlusion (features): the same, measured by how much what the model reads the answer from "
                            "changes (VQA; the best pointer to the object a question names)."));
    m_explain = new QPushButton(tr("Explain"), box);
    m_explain->setObjectName(QStringLiteral("explainButton"));
    m_explain->setToolTip(tr("Show where the model looks: for a captioner every word's map, for a VQA model the "
                             "answer to the question typed above, for a retrieval model the match with the text (Ctrl+E)"));
    connect(m_explain, &QPushButton::clicked, this, &InspectPanel::explain);
    m_showMap = new QCheckBox(tr("Map"), box);
    m_showMap->setChecked(true);
    m_showMap->setToolTip(tr("Show or hide the map over the image"));
    connect(m_showMap, &QCheckBox::toggled, m_view, &ImageView::setMapVisible);
    m_opacity = new QSlider(Qt::Horizontal, box);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(60);
    m_opacity->setMinimumWidth(90);
    m_opacity->setMaximumWidth(140);
    m_opacity->setToolTip(tr("Opacity of the map"));
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { m_view->setMapOpacity(v / 100.0); });
    m_outlines = new QCheckBox(tr("Outlines"), box);
    m_outlines->setToolTip(tr("Outline the objects the project knows in this image (regions)"));
    connect(m_outlines, &QCheckBox::toggled, m_view, &ImageView::setRegionsVisible);
    m_play = new QPushButton(tr("Play"), box);
    m_play->setCheckable(true);
    m_play->setToolTip(tr("Step through the caption's words"));
    connect(m_play, &QPushButton::toggled, this, [this](bool on) { on ? m_player->start() : m_player->stop(); });
    m_export = new QPushButton(tr("Export…"), box);
    m_export->setToolTip(tr("Save the image with the map over it as PNG"));
    connect(m_export, &QPushButton::clicked, this, &InspectPanel::exportMap);
    m_mapList = new QListWidget(box);
    m_mapList->setObjectName(QStringLiteral("mapWords"));
    m_mapList->setFlow(QListView::LeftToRight);
    m_mapList->setWrapping(true);
    m_mapList->setFixedHeight(2 * (fontMetrics().height() + 8) + 4);
    m_mapList->setSpacing(2);
    m_mapList->setToolTip(tr("Click a word (or use the arrow keys) to see its map"));
    connect(m_mapList, &QListWidget::currentRowChanged, this, &InspectPanel::showWord);
    m_summary = new QLabel(box);
    m_summary->setObjectName(QStringLiteral("explainSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    int column = 0;
    auto *opacityLabel = new QLabel(tr("Opacity"), box);
    for (QWidget *w : std::initializer_list<QWidget *>{m_method, m_explain, m_showMap, opacityLabel, m_opacity, m_outlines,
                                                       m_play, m_export})
        grid->addWidget(w, 0, column++);
    grid->setColumnStretch(column, 1);
    grid->addWidget(m_mapList, 1, 0, 1, column + 1);
    grid->addWidget(m_summary, 2, 0, 1, column + 1);
    return box;
}

void InspectPanel::setProject(const QString &path)
{
    m_project = path;
    m_imageId = 0;
    clearResults();
}

void InspectPanel::setModel(const std::optional<ModelRecord> &model)
{
    m_model = model;
    const TaskKind task = model ? model->task().value_or(TaskKind::Vqa) : TaskKind::Vqa;
    m_question->setPlaceholderText(!model ? tr("Choose a model in the Models dock to ask questions and explain")
                                   : task == TaskKind::Vqa ? tr("Ask %1 about this image… (Ctrl+K)").arg(model->name)
                                   : task == TaskKind::Retrieval ? tr("Text to match with this image (Grad-CAM)… (Ctrl+K)")
                                   : task == TaskKind::Tagging
                                       ? tr("%1 suggests tags: Run it in the Models dock (it has no maps)").arg(model->name)
                                       : tr("%1 writes captions: press Explain (Ctrl+Alt+E)").arg(model->name));
    m_method->setCurrentIndex(model && task == TaskKind::Retrieval ? 1 : 0);
    clearResults();
    updateEnabled();
}

void InspectPanel::setDevice(const QString &device)
{
    m_device = device;
}

void InspectPanel::setImage(qint64 imageId)
{
    if (imageId == m_imageId)
        return;
    m_imageId = imageId;
    m_player->stop();
    m_play->setChecked(false);
    m_askJob.cancel();
    m_explainJob.cancel();
    const bool explainAgain = m_explainShown;
    clearResults();
    updateEnabled();
    if (!imageId)
        return;
    if (explainAgain)
        explain();
    else if (!m_question->text().trimmed().isEmpty())
        ask();
}

template <typename Request>
Request InspectPanel::imageRequest() const
{
    Request r;
    r.project = m_project;
    r.checkpoint = m_model ? m_model->checkpoint : QString();
    r.image = QString::number(m_imageId);
    r.device = m_device;
    return r;
}

void InspectPanel::ask()
{
    m_typing->stop();
    if (!m_model || m_model->task() != TaskKind::Vqa || !m_imageId)
        return;
    if (m_question->text().trimmed().isEmpty()) {
        m_askJob.cancel();
        showAnswers(AskResult());
        return;
    }
    AskRequest request = imageRequest<AskRequest>();
    request.question = m_question->text();
    request.k = kAnswers;
    m_askJob.request([request]() -> Expected<AskResult> {
        auto backend = modelBackend();
        if (!backend)
            return backend.error();
        return (*backend)->ask(request);
    }, [this](const Expected<AskResult> &result) { showAnswers(result); });
}

void InspectPanel::showAnswers(const Expected<AskResult> &result)
{
    if (!result) {
        emit message(result.error().message);
        return;
    }
    for (int r = 0; r < kAnswers; ++r) {
        const bool has = size_t(r) < result->answers.size();
        m_answers->item(r, 0)->setText(has ? result->answers[size_t(r)].answer : QString());
        auto *bar = static_cast<QProgressBar *>(m_answers->cellWidget(r, 1));
        bar->setValue(has ? int(1000 * result->answers[size_t(r)].probability) : 0);
        bar->setFormat(has ? percent(result->answers[size_t(r)].probability) : QString());
    }
    m_unknownWords = result->unknownWords;
    m_words->setText(wordsHtml(result->words, result->unknownWords, {}));
    m_words->setToolTip(result->unknownWords.isEmpty() ? QString()
                                                      : tr("Words the model has not seen (read as <unk>): %1")
                                                            .arg(result->unknownWords.join(QStringLiteral(", "))));
}

void InspectPanel::explain()
{
    if (!m_model || !m_imageId)
        return;
    const std::optional<TaskKind> task = m_model->task();
    ExplainRequest request = imageRequest<ExplainRequest>();
    request.target = task == TaskKind::Vqa ? ExplainTarget::Question
                     : task == TaskKind::Caption ? ExplainTarget::Caption : ExplainTarget::Text;
    request.method = ExplainMethod(m_method->currentData().toInt());
    request.text = m_question->text();
    m_explainShown = true;
    m_summary->setText(tr("Explaining…"));
    m_explainJob.request([request]() -> Expected<ExplainResult> {
        auto backend = modelBackend();
        if (!backend)
            return backend.error();
        return (*backend)->explain(request);
    }, [this](const Expected<ExplainResult> &result) { showExplanation(result); });
}

void InspectPanel::showExplanation(const Expected<ExplainResult> &result)
{
    if (!result) {
        m_summary->setText(result.error().message);
        emit message(result.error().message);
        return;
    }
    showMaps(result->summary, result->gridHeight, result->gridWidth, result->maps, result->words, result->wordWeights);
}

void InspectPanel::showPrediction(const PredictionRecord &prediction)
{
    if (!prediction.attention || prediction.imageId != m_imageId)
        return;
    const AttentionMaps &a = *prediction.attention;
    const QStringList words = prediction.text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<ExplainMap> maps;
    for (size_t i = 0; i < a.words.size(); ++i) {
        std::vector<float> w = a.words[i];
        const float top = w.empty() ? 0.0f : *std::max_element(w.begin(), w.end());
        for (float &x : w)
            x = top > 0 ? x / top : 0.0f;
        maps.push_back({i < size_t(words.size()) ? words[int(i)] : QStringLiteral("?"), prediction.score.value_or(0), w});
    }
    m_explainShown = false; // a stored caption: nothing to recompute for the next image
    showMaps(tr("%1 (run %2)").arg(prediction.text).arg(prediction.runId), a.gridHeight, a.gridWidth, std::move(maps), {}, {});
}

void InspectPanel::setQuestion(const QString &question)
{
    if (m_question->isEnabled() && m_question->text() != question)
        m_question->setText(question);
}

void InspectPanel::showMaps(const QString &summary, int gridHeight, int gridWidth, std::vector<ExplainMap> maps,
                            const QStringList &words, const std::vector<float> &wordWeights)
{
    m_gridHeight = gridHeight;
    m_gridWidth = gridWidth;
    m_maps = std::move(maps);
    m_summaryText = summary;
    m_summary->setText(summary);
    if (!words.isEmpty())
        m_words->setText(wordsHtml(words, m_unknownWords, wordWeights));
    const QSignalBlocker block(m_mapList);
    m_mapList->clear();
    for (const ExplainMap &m : m_maps)
        m_mapList->addItem(m.label);
    m_mapList->setVisible(m_maps.size() > 1);
    m_mapList->setCurrentRow(0);
    showWord(0);
    updateEnabled();
}

void InspectPanel::showWord(int index)
{
    if (index < 0 || size_t(index) >= m_maps.size()) {
        m_view->clearMap();
        return;
    }
    const ExplainMap &map = m_maps[size_t(index)];
    m_view->setMap(map.weights, m_gridHeight, m_gridWidth);
    // The colours span the map's own range: say how flat it really is.
    m_summary->setText(tr("%1\nMap of \u201c%2\u201d: its weakest region has %3% of the weight of its strongest.")
                           .arg(m_summaryText, map.label).arg(qRound(100 * explain::flatness(map.weights))));
}

void InspectPanel::stepPlay()
{
    if (m_maps.size() < 2) {
        m_play->setChecked(false);
        return;
    }
    m_mapList->setCurrentRow((m_mapList->currentRow() + 1) % int(m_maps.size()));
}

void InspectPanel::clearResults()
{
    m_maps.clear();
    m_explainShown = false;
    m_mapList->clear();
    m_mapList->hide();
    m_summary->clear();
    m_words->clear();
    showAnswers(AskResult());
    m_view->clearMap();
}

void InspectPanel::updateEnabled()
{
    const bool ready = m_model.has_value() && m_imageId > 0;
    const bool tags = ready && m_model->task() == TaskKind::Tagging;
    const bool asks = ready && m_model->task() != TaskKind::Caption && !tags;
    m_question->setEnabled(asks);
    m_answers->setVisible(ready && m_model->task() == TaskKind::Vqa);
    m_explain->setEnabled(ready && !tags);
    m_method->setEnabled(ready && m_model->task() == TaskKind::Vqa);
    m_play->setEnabled(m_maps.size() > 1);
    m_export->setEnabled(!m_maps.empty());
}

void InspectPanel::focusQuestion()
{
    m_question->setFocus(Qt::ShortcutFocusReason);
    m_question->selectAll();
}

void InspectPanel::exportMap()
{
    if (!m_view->hasMap())
        return;
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Map"), QStringLiteral("map.png"), tr("PNG images (*.png)"));
    if (file.isEmpty())
        return;
    if (m_view->blendedImage().save(file, "PNG"))
        emit message(tr("Saved %1").arg(file));
    else
        emit message(tr("Cannot write %1").arg(file));
}

} // namespace tandem
